import { connect } from 'node:net';
import type { RealHealthCheck } from './config.js';

/**
 * One check of 127.0.0.1:port: a TCP connect (the kernel answers, so a stopped process passes) or
 * GET /health (the process must answer). Resolves with the response time, or null for a failure.
 */
export function checkOnce(port: number, spec: RealHealthCheck, nowMs: () => number): Promise<number | null> {
  return new Promise((resolve) => {
    const sentMs = nowMs();
    const socket = connect({ port, host: '127.0.0.1' });
    let done = false;
    const finish = (passed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(passed ? nowMs() - sentMs : null);
    };
    const timer = setTimeout(() => {
      finish(false);
    }, spec.timeoutMs);
    socket.on('error', () => {
      finish(false);
    });
    socket.on('connect', () => {
      if (spec.mode === 'tcp') finish(true);
      else socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    });
    let reply = '';
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('HTTP/1.1 200'));
    });
  });
}

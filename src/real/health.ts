import { connect } from 'node:net';
import type { RealHealthCheck } from './config.js';

/** Rise/fall belief about one backend, moved by consecutive check results (HAProxy). */
export class HealthBelief {
  healthy = true;
  private passes = 0;
  private failures = 0;

  constructor(private readonly spec: RealHealthCheck) {}

  /** Records one check; true when the belief flips. */
  record(passed: boolean): boolean {
    this.passes = passed ? this.passes + 1 : 0;
    this.failures = passed ? 0 : this.failures + 1;
    const flip = this.healthy ? this.failures >= this.spec.fall : this.passes >= this.spec.rise;
    if (flip) this.healthy = !this.healthy;
    return flip;
  }
}

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

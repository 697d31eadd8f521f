import { createServer, type Socket } from 'node:net';
import { ChannelHistory, instantiate, resumes, type Resume } from '../strategies/index.js';
import { frames } from './broker.js';
import { runClock } from './clock.js';
import type { RealMessagesSpec } from './config.js';

/**
 * The embedded broker hub: servers connect over TCP; each publish gets the channel's next serial from
 * its ChannelHistory and goes to every server; resume decisions use the resume strategy on that history.
 */
export class Hub {
  private readonly histories = new Map<string, ChannelHistory>();
  private readonly peers = new Set<Socket>();
  private readonly resume: Resume;
  private readonly nowMs: () => number;
  private readonly server = createServer({ noDelay: true }, (socket) => {
    this.peers.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.peers.delete(socket));
    frames(socket, (f) => {
      this.frame(socket, f);
    });
  });

  constructor(
    private readonly spec: RealMessagesSpec,
    startEpochMs: number,
  ) {
    this.resume = instantiate(resumes, spec.resume, 'messages.resume');
    this.nowMs = runClock(startEpochMs);
  }

  listen(onPort: (port: number) => void): void {
    this.server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = this.server.address();
      onPort(typeof address === 'object' && address !== null ? address.port : 0);
    });
  }

  private history(channel: string): ChannelHistory {
    let h = this.histories.get(channel);
    if (h === undefined) this.histories.set(channel, (h = new ChannelHistory({ maxMessages: this.spec.historyMessages, ttlMs: this.spec.historyTtlMs })));
    return h;
  }

  private frame(from: Socket, f: Record<string, unknown>): void {
    const channel = f.ch as string;
    const nowMs = Math.max(0, this.nowMs());
    if (f.t === 'pub') {
      const serial = this.history(channel).publish(nowMs, f.bytes as number);
      const line = JSON.stringify({ t: 'msg', ch: channel, serial, bytes: f.bytes }) + '\n';
      for (const peer of this.peers) peer.write(line);
    } else if (f.t === 'resume') {
      const history = this.history(channel);
      const last = f.last as number | null;
      // A serial from before this hub's history (none here) is taken as the latest one.
      const lastSerial = last === null ? null : Math.min(last, history.latestSerial);
      const decision = this.resume.onReconnect(lastSerial, history, nowMs, f.away as number);
      from.write(JSON.stringify({ t: 'resume', id: f.id, decision }) + '\n');
    }
  }
}

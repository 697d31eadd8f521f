import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import type { HistoryView, Resume, ResumeDecision } from '../strategies/index.js';

/** Where the broker is: the embedded hub's port, or a Redis URL with a key prefix unique to the run. */
export type BrokerAddress = { kind: 'hub'; port: number } | { kind: 'redis'; url: string; prefix: string };

/** A message as the broker delivers it: its channel, the serial the broker gave it, and its size. */
export type BrokerHandler = (channel: string, serial: number, bytes: number) => void;

/**
 * The one publish seam between servers (socket.io cluster-adapter's doPublish): publish to a channel,
 * receive every channel's messages with broker-wide serials, and ask how a client resumes a channel.
 */
export interface BrokerClient {
  publish(channel: string, bytes: number): void;
  onMessage(handler: BrokerHandler): void;
  /** The resume decision for a client whose last serial on `channel` was `lastSerial`. */
  resume(channel: string, lastSerial: number | null, disconnectedAtMs: number): Promise<ResumeDecision>;
  close(): void;
}

/** Newline-delimited JSON frames over one socket. */
export function frames(socket: Socket, onFrame: (frame: Record<string, unknown>) => void): void {
  let rest = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    rest += chunk;
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      onFrame(JSON.parse(rest.slice(0, nl)) as Record<string, unknown>);
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
  });
}

/** The embedded hub (src/real/hub.ts): one TCP connection; the hub keeps history and decides resumes. */
export class HubBroker implements BrokerClient {
  private readonly socket: Socket;
  private handler: BrokerHandler = () => undefined;
  private readonly waiting = new Map<number, (d: ResumeDecision) => void>();
  private nextId = 0;

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true });
    this.socket.on('error', () => undefined);
    frames(this.socket, (f) => {
      if (f.t === 'msg') this.handler(f.ch as string, f.serial as number, f.bytes as number);
      else if (f.t === 'resume') this.waiting.get(f.id as number)?.(f.decision as ResumeDecision);
    });
  }

  private write(frame: object): void {
    if (!this.socket.destroyed) this.socket.write(JSON.stringify(frame) + '\n');
  }

  publish(channel: string, bytes: number): void {
    this.write({ t: 'pub', ch: channel, bytes });
  }

  onMessage(handler: BrokerHandler): void {
    this.handler = handler;
  }

  resume(channel: string, lastSerial: number | null, disconnectedAtMs: number): Promise<ResumeDecision> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, (decision) => {
        this.waiting.delete(id);
        resolve(decision);
      });
      this.write({ t: 'resume', id, ch: channel, last: lastSerial, away: disconnectedAtMs });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** INCR the channel's serial and PUBLISH in one step, so serials reach every server in order. */
const PUBLISH_SCRIPT = "local s = redis.call('INCR', KEYS[1]) redis.call('PUBLISH', KEYS[2], s .. ' ' .. ARGV[1]) return s";

/**
 * Redis pub/sub: serials from a per-channel counter, fan-out by PUBLISH. Pub/sub keeps no history, so a
 * resume sees the latest serial and nothing held (as Socket.IO's Redis adapter cannot recover state).
 */
export class RedisBroker implements BrokerClient {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private handler: BrokerHandler = () => undefined;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly resumeStrategy: Resume,
    private readonly nowMs: () => number,
  ) {
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    this.sub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    this.pub.on('error', () => undefined);
    this.sub.on('error', () => undefined);
    void this.sub.psubscribe(`${prefix}ch:*`);
    this.sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const space = message.indexOf(' ');
      this.handler(channel.slice(`${prefix}ch:`.length), Number(message.slice(0, space)), Number(message.slice(space + 1)));
    });
  }

  publish(channel: string, bytes: number): void {
    void this.pub.eval(PUBLISH_SCRIPT, 2, `${this.prefix}serial:${channel}`, `${this.prefix}ch:${channel}`, String(bytes)).catch(() => undefined);
  }

  onMessage(handler: BrokerHandler): void {
    this.handler = handler;
  }

  async resume(channel: string, lastSerial: number | null, disconnectedAtMs: number): Promise<ResumeDecision> {
    const latest = Number((await this.pub.get(`${this.prefix}serial:${channel}`)) ?? 0);
    const view: HistoryView = { latestSerial: Math.max(latest, lastSerial ?? 0), since: () => ({ kind: 'gap', firstAvailable: null }) };
    return this.resumeStrategy.onReconnect(lastSerial, view, this.nowMs(), disconnectedAtMs);
  }

  /** Whether a Redis answers PING at `url` within `timeoutMs`. */
  static async reachable(url: string, timeoutMs = 2000): Promise<boolean> {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return true;
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  /** Deletes this run's keys (the serial counters under the prefix). */
  async removeKeys(): Promise<void> {
    const keys = await this.pub.keys(`${this.prefix}*`);
    if (keys.length > 0) await this.pub.del(...keys);
  }

  close(): void {
    this.pub.disconnect();
    this.sub.disconnect();
  }
}

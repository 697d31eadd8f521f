import { EventEmitter } from 'node:events';
import { request, type Agent, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { PACKET_SEPARATOR, POLLING_PATH } from './polling-session.js';

/** What the swarm does with a client's connection, WebSocket or long polling. */
export interface ClientTransport {
  send(text: string): void;
  /** Stops reading (a slow application): a WebSocket's socket is not read, a polling client sends no next poll. */
  pause(): void;
  resume(): void;
  close(code: number, reason: string): void;
  terminate(): void;
  removeAllListeners(): this;
  on(event: 'error' | 'close', listener: () => void): this;
}

/** What a connection tells its client, on either transport. */
export interface TransportEvents {
  /** The server that answered the handshake (its x-wsfleet-server header). */
  server: (id: number) => void;
  open: () => void;
  /** The handshake was answered with another status: its code and the retry hint in ms (0: none). */
  refused: (status: number, retryAfterMs: number) => void;
  /** The handshake failed below HTTP. */
  error: () => void;
  /** The connection ended: closed, reset, a poll answered 400 "Session ID unknown", or a close packet. */
  close: () => void;
  message: (text: string) => void;
}

/** A browser's cookie for the proxy, per client: kept across sessions. */
export interface CookieJar {
  cookie: string | null;
}

/**
 * An Engine.IO-style long-polling client over real HTTP requests (keep-alive agent, 127.0.0.1): a handshake GET
 * opens a session (its subscriptions ride on it), then one poll (GET with the sid) is kept outstanding, and sends
 * go as POSTs with the sid, one at a time with what queued meanwhile in the same body, as Engine.IO's client does.
 */
export class PollingSocket extends EventEmitter implements ClientTransport {
  private sid: string | null = null;
  private poll: ClientRequest | null = null;
  private post: ClientRequest | null = null;
  private outgoing: string[] = [];
  private paused = false;
  /** A poll is due and waits for resume(). */
  private due = false;
  private ended = false;

  constructor(
    private readonly port: number,
    /** `c=…&a=…`: the client and attempt, as in a WebSocket URL. */
    private readonly query: string,
    subscriptions: readonly { sub: string; last: number | null; away: number }[],
    private readonly agent: Agent,
    private readonly jar: CookieJar,
    private readonly events: TransportEvents,
  ) {
    super();
    this.poll = this.get(`${POLLING_PATH}?EIO=4&transport=polling&${query}&s=${encodeURIComponent(JSON.stringify(subscriptions))}`, (status, headers, body) => {
      this.poll = null;
      if (this.ended) return;
      if (status !== 200 || !body.startsWith('0')) {
        const hintMs = Number(headers['x-retry-after-ms'] ?? Number(headers['retry-after'] ?? 0) * 1000);
        events.refused(status, Number.isFinite(hintMs) ? hintMs : 0);
        return;
      }
      this.sid = (JSON.parse(body.slice(1)) as { sid: string }).sid;
      events.server(Number(headers['x-wsfleet-server'] ?? -1));
      events.open();
      this.nextPoll();
    }, () => {
      this.poll = null;
      if (!this.ended) events.error();
    });
  }

  send(text: string): void {
    if (this.ended || this.sid === null) return;
    this.outgoing.push(`4${text}`);
    this.flushSends();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    if (this.due) this.nextPoll();
  }

  /** Engine.IO's close: a close packet to the server, then nothing more. */
  close(_code: number, _reason: string): void {
    if (this.ended) return;
    if (this.sid !== null) this.request('POST', this.path(), '1', () => undefined, () => undefined);
    this.end();
  }

  terminate(): void {
    this.end();
    this.post?.destroy();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.poll?.destroy();
    this.poll = null;
    this.emit('close');
  }

  /** The connection is over from this side's view: the client's close handler runs once. */
  private lost(): void {
    if (this.ended) return;
    this.events.close();
    this.end();
  }

  private path(): string {
    return `${POLLING_PATH}?EIO=4&transport=polling&${this.query}&sid=${encodeURIComponent(this.sid ?? '')}`;
  }

  private nextPoll(): void {
    if (this.ended) return;
    if (this.paused) {
      this.due = true;
      return;
    }
    this.due = false;
    this.poll = this.get(this.path(), (status, _headers, body) => {
      this.poll = null;
      if (this.ended) return;
      if (status !== 200) {
        this.lost();
        return;
      }
      for (const packet of body.split(PACKET_SEPARATOR)) {
        if (packet.startsWith('1')) {
          this.lost();
          return;
        }
        if (packet.startsWith('4')) this.events.message(packet.slice(1));
      }
      this.nextPoll();
    }, () => {
      this.poll = null;
      this.lost();
    });
  }

  private flushSends(): void {
    if (this.post !== null || this.outgoing.length === 0 || this.ended) return;
    const body = this.outgoing.join(PACKET_SEPARATOR);
    this.outgoing = [];
    this.post = this.request('POST', this.path(), body, (status) => {
      this.post = null;
      if (status !== 200) this.lost();
      else this.flushSends();
    }, () => {
      this.post = null;
      this.lost();
    });
  }

  private get(path: string, done: (status: number, headers: IncomingHttpHeaders, body: string) => void, failed: () => void): ClientRequest {
    return this.request('GET', path, null, done, failed);
  }

  /** One HTTP request through the proxy, with the client's cookie; the body is read whole. */
  private request(method: 'GET' | 'POST', path: string, body: string | null, done: (status: number, headers: IncomingHttpHeaders, body: string) => void, failed: () => void): ClientRequest {
    const headers: Record<string, string | number> = {};
    if (this.jar.cookie !== null) headers['cookie'] = this.jar.cookie;
    if (body !== null) {
      headers['content-type'] = 'text/plain;charset=UTF-8';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = request({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent });
    let settled = false;
    const fail = (): void => {
      if (settled) return;
      settled = true;
      failed();
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const cookie = res.headers['set-cookie']?.[0];
      if (cookie !== undefined) this.jar.cookie = cookie.split(';')[0] ?? null;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('aborted', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        done(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString());
      });
    });
    req.end(body ?? undefined);
    return req;
  }
}

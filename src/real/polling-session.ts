import type { ServerResponse } from 'node:http';

/**
 * The long-polling transport's wire format, after Engine.IO v4 (https://socket.io/docs/v4/engine-io-protocol/):
 * packets are a type digit and a payload (open 0, close 1, message 4, noop 6), several in one HTTP body are
 * separated by the record separator 0x1e, and a request whose sid the server does not hold gets HTTP 400 with
 * Engine.IO's error code 1 (https://github.com/socketio/engine.io/blob/main/lib/server.ts).
 */
export const POLLING_PATH = '/engine.io/';
export const PACKET_SEPARATOR = '\x1e';
export const SESSION_ID_UNKNOWN = JSON.stringify({ code: 1, message: 'Session ID unknown' });

/** What a server counts of its polls; kept in the server's counters so they reach its samples. */
export interface PollCounts {
  pollRequests: number;
  pollSessionUnknown: number;
  pollAnsweredWithData: number;
  pollAnsweredEmpty: number;
  pollSessionTimeouts: number;
}

/**
 * One long-polling session on a server: the sink its connection's messages are written to (as they would be to
 * a WebSocket), and the one poll the client keeps outstanding, held until there is data or `holdMs` passes.
 * A session that sees no poll for `sessionTimeoutMs` after its last answer is closed.
 */
export class PollSession {
  readonly OPEN = 1;
  readyState = 1;
  private packets: string[] = [];
  private bytes = 0;
  /** Write callbacks of the queued messages: they run when the poll carrying them is written. */
  private written: (() => void)[] = [];
  private held: ServerResponse | null = null;
  private holdTimer: NodeJS.Timeout | null = null;
  private expiry: NodeJS.Timeout | null = null;
  /** Closed by the server with no poll to carry the close packet: the next poll gets it. */
  private closing = false;
  private ended = false;

  constructor(
    readonly sid: string,
    private readonly spec: { holdMs: number; sessionTimeoutMs: number },
    private readonly counts: PollCounts,
    /** The session is over (closed, or timed out): the server forgets it. */
    private readonly onEnd: () => void,
  ) {
    this.armExpiry();
  }

  /** Bytes queued for the next poll. */
  get bufferedAmount(): number {
    return this.bytes;
  }

  /** A message for the client: queued as a message packet, and the held poll (if any) answered with it now. */
  send(data: string | Buffer, cb?: (err?: Error) => void): void {
    if (this.readyState !== this.OPEN) return;
    const text = typeof data === 'string' ? data : data.toString();
    this.packets.push(`4${text}`);
    this.bytes += text.length;
    if (cb !== undefined) this.written.push(cb);
    if (this.held !== null) this.flush(this.held, true);
  }

  /** A poll with this session's sid: answered now if there is something to send, else held. */
  poll(res: ServerResponse): void {
    if (this.expiry !== null) clearTimeout(this.expiry);
    this.expiry = null;
    if (this.closing) {
      this.answer(res, '1', false);
      this.end();
      return;
    }
    // Engine.IO answers an older poll still held when a new one comes (a client never keeps two).
    if (this.held !== null) this.flush(this.held, false);
    if (this.packets.length > 0) {
      this.flush(res, true);
      return;
    }
    this.held = res;
    res.once('close', () => {
      if (this.held !== res) return;
      // The client (or the proxy) went away before the answer: nothing carries this poll any more.
      this.release();
      this.armExpiry();
    });
    this.holdTimer = setTimeout(() => {
      this.holdTimer = null;
      if (this.held === res) this.flush(res, false);
    }, this.spec.holdMs);
  }

  /** The server closes the session (1001 going away, a drain, a slow consumer): a close packet on the held poll or the next one. */
  close(_code?: number, _reason?: string): void {
    if (this.readyState !== this.OPEN) return;
    this.readyState = 2;
    this.dropQueue();
    this.onEnd();
    if (this.held !== null) {
      const res = this.held;
      this.release();
      this.answer(res, '1', false);
      this.end();
      return;
    }
    this.closing = true;
  }

  terminate(): void {
    this.close();
  }

  /** Answers `res` with every queued packet (or a noop when there is none). */
  private flush(res: ServerResponse, withData: boolean): void {
    if (this.held === res) this.release();
    const body = this.packets.length > 0 ? this.packets.join(PACKET_SEPARATOR) : '6';
    const written = this.written;
    this.packets = [];
    this.bytes = 0;
    this.written = [];
    this.answer(res, body, withData && body !== '6');
    for (const cb of written) cb();
    this.armExpiry();
  }

  private answer(res: ServerResponse, body: string, withData: boolean): void {
    if (withData) this.counts.pollAnsweredWithData++;
    else if (body === '6') this.counts.pollAnsweredEmpty++;
    res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8', 'content-length': Buffer.byteLength(body) }).end(body);
  }

  private release(): void {
    this.held = null;
    if (this.holdTimer !== null) clearTimeout(this.holdTimer);
    this.holdTimer = null;
  }

  private armExpiry(): void {
    if (this.ended) return;
    if (this.expiry !== null) clearTimeout(this.expiry);
    this.expiry = setTimeout(() => {
      this.expiry = null;
      if (this.held !== null) return;
      if (!this.closing) {
        this.counts.pollSessionTimeouts++;
        this.readyState = 3;
        this.dropQueue();
        this.onEnd();
      }
      this.end();
    }, this.spec.sessionTimeoutMs);
  }

  private dropQueue(): void {
    this.packets = [];
    this.bytes = 0;
    this.written = [];
  }

  /** Gone from the server's sessions: a later poll with this sid gets 400 "Session ID unknown". */
  private end(): void {
    this.ended = true;
    this.readyState = 3;
    if (this.expiry !== null) clearTimeout(this.expiry);
    this.expiry = null;
    this.onGone();
  }

  /** Set by the server: removes the sid from its table. */
  onGone: () => void = () => undefined;
}

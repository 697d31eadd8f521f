import { LatencyRecorder } from '../metrics/index.js';
import { growColumns } from './columns.js';
import type { BrowserSpec } from './config.js';
import type { World } from './world.js';

/** A request waiting for one of its user's connections: the tab, its connection (packed), since when, and what it does once it has one. */
interface Waiter {
  i: number;
  conn: number;
  sinceMs: number;
  go: () => void;
}

/** What the browsers' connection pools did over the run. */
export class BrowserCounters {
  users = 0;
  /** HTTP requests of long-polling tabs through their user's per-host pool (session opens, polls, sends). */
  requests = 0;
  /** Of them, those that found every connection of the pool held and waited for one. */
  queued = 0;
}

/**
 * Users' browsers (`clients.browser`): which tabs belong to which user, and each user's per-host pool of
 * HTTP/1.1 connections. A long-polling tab's request takes a free connection or waits in its user's queue,
 * first come first served (Chrome's socket pool hands a released socket to the oldest pending request of
 * its group), and holds the connection until its response is back at the tab (`done`), or until the tab
 * drops its session (`abort`: the page's transport cancels its requests). WebSocket tabs never use the pool.
 */
export class BrowserTabs {
  readonly counters = new BrowserCounters();
  /** Time each pooled request waited for a connection (0 for most). */
  readonly waits = new LatencyRecorder();
  /** Per tab: its user, and how many of the user's connections its requests hold. */
  private tabs = { user: new Int32Array(1024), held: new Uint32Array(1024) };
  /** Per user: free connections, and the requests waiting for one, oldest first. */
  private readonly free: number[] = [];
  private readonly queues: Waiter[][] = [];

  constructor(
    private readonly world: World,
    readonly spec: BrowserSpec,
  ) {}

  /** Clients a new user brings: one per tab, or one for all of them when the tabs share a connection. */
  get clientsPerUser(): number {
    return this.spec.shareConnection ? 1 : this.spec.tabs;
  }

  /** A new user, with every connection of its pool free. */
  newUser(): number {
    this.free.push(this.spec.perHostConnections);
    this.queues.push([]);
    return this.counters.users++;
  }

  /** Client i is a tab (or the shared connection) of `user`. */
  addTab(i: number, user: number): void {
    if (i >= this.tabs.user.length) this.tabs = growColumns(this.tabs, Math.max(i + 1, this.tabs.user.length * 2));
    this.tabs.user[i] = user;
    this.tabs.held[i] = 0;
  }

  /** Tab i sends a request on connection `conn`: `go` runs now if a connection is free, else when one is handed to it. */
  request(i: number, conn: number, go: () => void): void {
    this.counters.requests++;
    const user = this.tabs.user[i] as number;
    if ((this.free[user] as number) > 0) {
      this.free[user] = (this.free[user] as number) - 1;
      this.take(i, 0, go);
      return;
    }
    this.counters.queued++;
    (this.queues[user] as Waiter[]).push({ i, conn, sinceMs: this.world.sim.nowMs, go });
  }

  /** One of tab i's requests has its response: its connection goes to the oldest waiting request. */
  done(i: number): void {
    if (this.tabs.held[i] === 0) return;
    this.tabs.held[i] = (this.tabs.held[i] as number) - 1;
    this.hand(this.tabs.user[i] as number);
  }

  /** Tab i dropped its session (its connection epoch moved on): every connection it holds is released, its waiting requests are void. */
  abort(i: number): void {
    while ((this.tabs.held[i] as number) > 0) this.done(i);
  }

  /** How many of its user's connections tab i holds. */
  heldBy(i: number): number {
    return this.tabs.held[i] as number;
  }

  private hand(user: number): void {
    const queue = this.queues[user] as Waiter[];
    for (let w = queue.shift(); w !== undefined; w = queue.shift()) {
      if (this.world.current(w.conn) < 0) continue;
      this.take(w.i, this.world.sim.nowMs - w.sinceMs, w.go);
      return;
    }
    this.free[user] = (this.free[user] as number) + 1;
  }

  private take(i: number, waitedMs: number, go: () => void): void {
    this.tabs.held[i] = (this.tabs.held[i] as number) + 1;
    this.waits.record(waitedMs);
    go();
  }
}

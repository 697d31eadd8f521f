import { connect, createServer, type Socket } from 'node:net';
import { balancers, instantiate, type BackendView, type Balancer, type Rng } from '../strategies/index.js';
import { runClock, seededRng } from './clock.js';
import { checkOnce, HealthBelief } from './health.js';
import type { ProxyCommand, ProxyEvent, ProxySample } from './protocol.js';

type Init = Extract<ProxyCommand, { type: 'init' }>;

/** The proxy's picture of one backend: the view type the sim's balancer builds, kept up to date here. */
type View = { -readonly [K in keyof BackendView]: BackendView[K] };

/** Longest HTTP upgrade request the proxy reads before giving up on a client. */
const MAX_REQUEST_BYTES = 16 * 1024;

/**
 * The balancing proxy: reads a client's HTTP upgrade request, picks a backend with the experiment's
 * Balancer strategy from the same view the sim builds, connects, forwards the request, then pipes bytes.
 */
export class RealProxy {
  private readonly views: View[];
  private readonly ports: number[];
  private readonly health: HealthBelief[];
  private readonly strategy: Balancer;
  private readonly rng: { pick: Rng; health: Rng };
  private nowMs: () => number;
  private open = 0;
  private refused = 0;
  private upstreamFailed = 0;
  private picks: [number, number][] = [];
  private flips: ProxySample['flips'] = [];
  private readonly server = createServer({ noDelay: true }, (socket) => {
    this.accept(socket);
  });

  constructor(
    private readonly init: Init,
    private readonly send: (event: ProxyEvent) => void,
  ) {
    this.nowMs = runClock(init.startEpochMs);
    this.strategy = instantiate(balancers, init.spec.strategy, 'balancer.strategy');
    const key = init.spec.pickRngKeys[init.index] ?? `${String(init.index)}/pick`;
    this.rng = { pick: seededRng(key), health: seededRng(`${key}/health`) };
    this.ports = init.backends.map((b) => b.port);
    this.views = init.backends.map((b, id) => ({
      id,
      weight: b.weight,
      healthy: true,
      openConnections: 0,
      reportedLoad: 0,
      reportedMemoryLoad: 0,
      reportedLatencyMs: 0,
      reportedAtMs: 0,
      healthySinceMs: 0,
    }));
    this.health = init.backends.map(() => new HealthBelief(init.spec.healthCheck));
  }

  listen(): void {
    this.server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
      const address = this.server.address();
      this.send({ type: 'listening', port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
    // Checks are spread over the first interval, as HAProxy spreads them.
    const { intervalMs } = this.init.spec.healthCheck;
    this.views.forEach((_, s) => setTimeout(() => { this.check(s); }, this.rng.health.next() * intervalMs).unref());
  }

  command(message: ProxyCommand): void {
    if (message.type === 'report') {
      const view = this.views[message.server];
      if (view === undefined) return;
      view.reportedLoad = message.load;
      view.reportedMemoryLoad = message.memoryLoad;
      view.reportedAtMs = message.atMs;
    } else if (message.type === 'backend') this.ports[message.server] = message.port;
    else if (message.type === 'clock') this.nowMs = runClock(message.startEpochMs);
    else if (message.type === 'weight') {
      const view = this.views[message.server];
      if (view !== undefined) view.weight = message.weight;
    } else if (message.type === 'sample') this.send({ type: 'sample', sample: this.sample() });
  }

  private check(s: number): void {
    const view = this.views[s] as View;
    const spec = this.init.spec.healthCheck;
    setTimeout(() => { this.check(s); }, spec.intervalMs).unref();
    void checkOnce(this.ports[s] as number, spec, () => this.nowMs()).then((latencyMs) => {
      if (latencyMs !== null) view.reportedLatencyMs = latencyMs;
      const belief = this.health[s] as HealthBelief;
      if (!belief.record(latencyMs !== null)) return;
      view.healthy = belief.healthy;
      if (view.healthy) view.healthySinceMs = this.nowMs();
      this.flips.push({ atMs: this.nowMs(), server: s, healthy: view.healthy });
    });
  }

  private accept(client: Socket): void {
    let buffered = Buffer.alloc(0);
    client.on('error', () => undefined);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > MAX_REQUEST_BYTES) client.destroy();
        return;
      }
      client.off('data', onData);
      client.pause();
      this.route(client, buffered);
    };
    client.on('data', onData);
  }

  /** Picks a backend for the request in `head` and connects; 503 when none, 502 when the backend does not answer. */
  private route(client: Socket, head: Buffer): void {
    const firstLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
    const id = Number(/[?&]c=(\d+)/.exec(firstLine)?.[1] ?? -1);
    if (this.open >= this.init.spec.maxConnections) {
      this.refused++;
      answer(client, '503 Service Unavailable');
      return;
    }
    const pick = this.strategy.pick({ clientId: id, clientAddress: id }, this.views, { nowMs: this.nowMs(), rng: this.rng.pick });
    this.picks.push([id, pick]);
    const view = this.views[pick];
    if (view === undefined) {
      this.refused++;
      answer(client, '503 Service Unavailable');
      return;
    }
    view.openConnections++;
    this.open++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      view.openConnections--;
      this.open--;
    };
    const upstream = connect({ port: this.ports[pick] as number, host: '127.0.0.1', noDelay: true });
    const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), this.init.spec.connectTimeoutMs);
    upstream.once('connect', () => {
      clearTimeout(timer);
      upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    let answered = false;
    upstream.on('error', () => {
      clearTimeout(timer);
      if (upstream.bytesRead === 0) {
        this.upstreamFailed++;
        answered = true;
        client.unpipe(upstream);
        answer(client, '502 Bad Gateway');
      }
      release();
    });
    upstream.on('close', () => {
      release();
      if (!answered) client.destroy();
    });
    client.on('close', () => {
      release();
      upstream.destroy();
    });
  }

  private sample(): ProxySample {
    const { picks, flips } = this;
    this.picks = [];
    this.flips = [];
    const { user, system } = process.cpuUsage();
    return { open: this.open, refused: this.refused, upstreamFailed: this.upstreamFailed, cpuMs: (user + system) / 1000, picks, flips };
  }
}

function answer(client: Socket, status: string): void {
  client.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

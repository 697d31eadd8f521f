import type { ChildProcess } from 'node:child_process';
import { seededStream, streamKey } from '../engine/index.js';
import { runEvent, type Decision, type RunResult, type ServerEventKind, type TypedRunEvent } from '../metrics/index.js';
import { Children, kill, nextMessage } from './children.js';
import { epochMs, runClock } from './clock.js';
import { WARM_CONNECTS_IN_FLIGHT, type RealAutoscalingSpec, type RealConfig, type RealFault } from './config.js';
import { RealAutoscaler, type AutoscaledFleet } from './autoscaler.js';
import type { ProxyCommand, ProxyEvent, ProxySample, ServerCommand, ServerEvent, ServerSample, SwarmCommand, SwarmEvent, SwarmSample } from './protocol.js';
import { RealSampler, type Gathered } from './sampler.js';
import { childFile } from './files.js';
import type { BrokerAddress } from './broker.js';
import { Publisher } from './publisher.js';
import { realSummary } from './summary.js';

/** A real run's result: the shared schema, plus the proxy's decisions for differential tests. */
export interface RealRunResult extends RunResult {
  /** Every pick of the proxy in order: client id and backend (-1 refused). */
  picks: [number, number][];
  /**
   * The shared rules' decisions, gathered at each sample: each process's in the order it made them,
   * processes in the order servers, proxies, swarms within one sample.
   */
  decisions: Decision[];
}


const SETUP_TIMEOUT_MS = 20_000;
const SAMPLE_TIMEOUT_MS = 400;
/** How long a proxy may take to say how many connections a disconnect fault dropped. */
const FAULT_REPLY_TIMEOUT_MS = 5000;

interface ServerSlot {
  child: ChildProcess | null;
  /** Processes started for this server so far. */
  starts: number;
  port: number;
  up: boolean;
  hung: boolean;
  last: ServerSample | null;
}

/**
 * Runs an experiment on real sockets: server processes, the balancing proxy and client swarms on
 * 127.0.0.1, faults as signals, one sample row per interval; everything it started is gone when it returns
 * or throws, and on SIGINT or SIGTERM.
 */
export async function runReal(config: RealConfig, log: (line: string) => void = () => undefined): Promise<RealRunResult> {
  const children = new Children();
  const onSignal = (signal: NodeJS.Signals): void => {
    children.killAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const onExit = (): void => {
    children.killAll();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
  try {
    return await new RealRun(config, children, log).run();
  } finally {
    await children.endAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
  }
}

class RealRun {
  private readonly servers: ServerSlot[];
  private readonly proxies: ChildProcess[] = [];
  private proxyPorts: number[] = [];
  private readonly swarms: ChildProcess[] = [];
  private readonly events: TypedRunEvent[] = [];
  private readonly picks: [number, number][] = [];
  private readonly decisions: Decision[] = [];
  /** Epoch ms of time 0: provisional during setup, fixed once every process is ready. */
  private startEpochMs = epochMs();
  private nowMs: () => number = runClock(this.startEpochMs);
  private readonly timers: NodeJS.Timeout[] = [];
  /** Set when sampling is over: a restart still in flight then starts no further process. */
  private ended = false;

  constructor(
    private readonly config: RealConfig,
    private readonly children: Children,
    private readonly log: (line: string) => void,
  ) {
    this.servers = config.servers.map(() => ({ child: null, starts: 0, port: 0, up: false, hung: false, last: null }));
  }

  async run(): Promise<RealRunResult> {
    await this.startBroker();
    // With an autoscaler, the slots past the fleet as written are spares: no process until a scale-out.
    const initial = this.config.autoscaling?.initial ?? this.config.servers.length;
    await Promise.all(this.servers.slice(0, initial).map((_, s) => this.startServer(s, 0)));
    await this.startProxy();
    await this.startSwarms();
    await this.warmStart();
    // Time 0 is now, in every process: clients arrive from then on.
    this.startEpochMs = epochMs() + 50;
    this.nowMs = runClock(this.startEpochMs);
    for (const slot of this.servers) this.send(slot.child, { type: 'clock', startEpochMs: this.startEpochMs });
    this.toProxies({ type: 'clock', startEpochMs: this.startEpochMs });
    for (const swarm of this.swarms) this.send(swarm, { type: 'start', startEpochMs: this.startEpochMs });
    await sleep(-this.nowMs());
    this.log(`real: ${String(this.config.servers.length)} servers, ${String(this.config.clients.arrivalsMs.length)} clients, ${String(this.config.durationMs / 1000)} s`);
    for (const fault of this.config.faults) this.schedule(fault.atMs, () => { this.fault(fault); });
    this.startPublisher();
    const sampler = new RealSampler(this.config);
    const autoscaler = this.config.autoscaling === null ? null : this.autoscaler(this.config.autoscaling, sampler);
    const { durationMs, sampleIntervalMs } = this.config;
    let evaluations = 0;
    for (let k = 1; k * sampleIntervalMs <= durationMs; k++) {
      await sleep(k * sampleIntervalMs - this.nowMs());
      sampler.row(k * sampleIntervalMs, await this.sampleAll());
      // The autoscaler looks at the first sample at or after each of its intervals, with that sample's numbers.
      const everyMs = this.config.autoscaling?.intervalMs ?? Infinity;
      if (autoscaler !== null && k * sampleIntervalMs >= (evaluations + 1) * everyMs) {
        evaluations = Math.floor((k * sampleIntervalMs) / everyMs);
        autoscaler.evaluate(k * sampleIntervalMs);
      }
    }
    this.ended = true;
    for (const t of this.timers) clearTimeout(t);
    if (this.publishTimer !== null) clearInterval(this.publishTimer);
    await this.publisher?.close();
    for (const swarm of this.swarms) this.send(swarm, { type: 'stop' });
    const scaled = autoscaler === null ? null : { scaleOuts: autoscaler.scaleOuts, scaleIns: autoscaler.scaleIns, peak: autoscaler.peakActive, final: autoscaler.active().length };
    const summary = realSummary(this.config, sampler, this.events, durationMs, this.published, scaled);
    const events = [...this.events].sort((a, b) => a.atMs - b.atMs);
    return { summary, timeseries: sampler.table, events, distributions: { 'connect.latencyMs': sampler.latency.cdf() }, picks: this.picks, decisions: this.decisions };
  }

  /**
   * The autoscaler acting on this run's processes. Its metric per server: connections at the latest sample, or CPU
   * time since its last evaluation over the time since then (one core per process).
   */
  private autoscaler(spec: RealAutoscalingSpec, sampler: RealSampler): RealAutoscaler {
    // CPU time of every server at the previous evaluation's sample, as the sim keeps every server's busy time.
    let cpuBefore = { atMs: 0, cpuMs: this.servers.map(() => 0) };
    const fleet: AutoscaledFleet = {
      nowMs: () => this.nowMs(),
      isUp: (s) => this.servers[s]?.up === true,
      metric: (s) => {
        const slot = this.servers[s] as ServerSlot;
        if (spec.metric === 'connections') return slot.last?.connections ?? 0;
        const spanMs = sampler.lastTimeMs - cpuBefore.atMs;
        return spanMs > 0 ? (sampler.serverTotal(s, 'cpuMs') - (cpuBefore.cpuMs[s] ?? 0)) / spanMs : 0;
      },
      evaluated: () => {
        cpuBefore = { atMs: sampler.lastTimeMs, cpuMs: this.servers.map((_, s) => sampler.serverTotal(s, 'cpuMs')) };
      },
      spawn: async (s) => {
        const slot = this.servers[s] as ServerSlot;
        const fromMs = this.nowMs();
        // A process that does not start stays out of the pools (its slot holds no child); the run goes on.
        await this.startServer(s, slot.port)
          .catch(() => (this.ended ? undefined : this.startServer(s, 0)))
          .catch((error: unknown) => {
            slot.child = null;
            this.log(`real: server ${String(s)} did not start for the autoscaler: ${String(error)}`);
          });
        // Listening, but not in any pool until it joins.
        slot.up = false;
        if (slot.child !== null) this.log(`real: server ${String(s)} spawned for the autoscaler in ${(this.nowMs() - fromMs).toFixed(0)} ms`);
      },
      join: (s) => {
        const slot = this.servers[s] as ServerSlot;
        if (this.ended || slot.child === null) return;
        slot.up = true;
        this.toProxies({ type: 'backend', server: s, port: slot.port });
        this.toProxies({ type: 'weight', server: s, weight: (this.config.servers[s] as RealConfig['servers'][number]).weight });
        this.event('server:join', s);
      },
      drain: (s, windowMs) => {
        this.toProxies({ type: 'weight', server: s, weight: 0 });
        this.send(this.servers[s]?.child ?? null, { type: 'drain', windowMs });
      },
      stop: (s) => {
        const slot = this.servers[s] as ServerSlot;
        if (slot.child !== null) kill(slot.child, 'SIGKILL');
        slot.child = null;
        slot.up = false;
        slot.hung = false;
      },
      schedule: (atMs, action) => {
        this.schedule(atMs, action);
      },
      record: (event) => this.events.push(event),
    };
    return new RealAutoscaler(spec, this.servers.length, fleet);
  }

  /** Records an event about server `s` at the current run time. */
  private event(kind: ServerEventKind, s: number): void {
    this.events.push(runEvent.server(kind, Math.max(0, this.nowMs()), s));
  }

  private schedule(atMs: number, action: () => void): void {
    this.timers.push(setTimeout(action, Math.max(0, atMs - this.nowMs())));
  }

  private send(child: ChildProcess | null, message: ServerCommand | ProxyCommand | SwarmCommand): void {
    if (child?.connected) child.send(message);
  }

  private async startServer(s: number, port: number): Promise<void> {
    const slot = this.servers[s] as ServerSlot;
    const child = this.children.start(childFile(this.config.stack === 'socket-io' ? 'socketio-server-main' : 'server-main'));
    slot.child = child;
    const incarnation = slot.starts++;
    child.on('message', (message: ServerEvent) => {
      if (message.type === 'report' && slot.child === child) this.toProxies({ type: 'report', server: s, load: message.load, memoryLoad: message.memoryLoad, atMs: message.atMs });
    });
    this.send(child, {
      type: 'init',
      id: s,
      incarnation,
      spec: this.config.servers[s] as RealConfig['servers'][number],
      heartbeat: this.config.heartbeat,
      reportIntervalMs: this.config.balancer.reportIntervalMs,
      seed: this.config.seed,
      startEpochMs: this.startEpochMs,
      port,
      broker: this.broker,
      messages: this.config.messages,
      polling: this.config.polling === null ? null : { holdMs: this.config.polling.holdMs, sessionTimeoutMs: this.config.polling.sessionTimeoutMs },
    });
    const listening = await nextMessage(child, (m) => ((m as ServerEvent).type === 'listening' ? (m as { port: number }).port : null), SETUP_TIMEOUT_MS);
    if (listening === null) throw new Error(`server ${String(s)} did not start listening within ${String(SETUP_TIMEOUT_MS)} ms`);
    slot.port = listening;
    slot.up = true;
    slot.last = null;
  }

  private async startProxy(): Promise<void> {
    const backends = this.servers.map((slot, s) => ({ port: slot.port, weight: (this.config.servers[s] as RealConfig['servers'][number]).weight, absent: slot.child === null }));
    this.proxyPorts = await Promise.all(
      Array.from({ length: this.config.balancer.count }, async (_, index) => {
        const child = this.children.start(childFile('proxy-main'));
        this.proxies[index] = child;
        this.send(child, { type: 'init', spec: this.config.balancer, seed: this.config.seed, index, backends, startEpochMs: this.startEpochMs });
        const port = await nextMessage(child, (m) => ((m as ProxyEvent).type === 'listening' ? (m as { port: number }).port : null), SETUP_TIMEOUT_MS);
        if (port === null) throw new Error(`proxy ${String(index)} did not start listening within ${String(SETUP_TIMEOUT_MS)} ms`);
        return port;
      }),
    );
  }

  private broker: BrokerAddress | null = null;
  private publisher: Publisher | null = null;
  private publishTimer: NodeJS.Timeout | null = null;
  private published = 0;

  /** The embedded hub in its own process, or Redis; nothing without messages. */
  private async startBroker(): Promise<void> {
    const messages = this.config.messages;
    if (messages === null) return;
    if (this.config.redisUrl !== null) {
      this.broker = { kind: 'redis', url: this.config.redisUrl, prefix: `wsfleet:${String(process.pid)}:${String(Math.round(epochMs()))}:` };
      return;
    }
    const child = this.children.start(childFile('hub-main'));
    child.send({ type: 'init', spec: messages, startEpochMs: this.startEpochMs });
    const port = await nextMessage(child, (m) => ((m as { type: string }).type === 'listening' ? (m as { port: number }).port : null), SETUP_TIMEOUT_MS);
    if (port === null) throw new Error(`the broker hub did not start listening within ${String(SETUP_TIMEOUT_MS)} ms`);
    this.broker = { kind: 'hub', port };
    this.hub = child;
  }

  private hub: ChildProcess | null = null;

  /** Publishes round-robin over the channels at the configured rate, through the same broker seam as the servers. */
  private startPublisher(): void {
    const messages = this.config.messages;
    if (messages === null || this.broker === null || messages.publishRatePerSec <= 0) return;
    const publisher = new Publisher(this.broker, messages, seededStream(streamKey(this.config.seed, 'real', 'publisher')));
    this.publisher = publisher;
    const everyMs = Math.max(1, 1000 / messages.publishRatePerSec);
    const started = this.nowMs();
    this.publishTimer = setInterval(() => {
      const due = Math.floor((this.nowMs() - started) / everyMs);
      for (; this.published < due; this.published++) publisher.publish();
    }, Math.max(5, everyMs));
  }

  private toProxies(message: ProxyCommand): void {
    for (const proxy of this.proxies) this.send(proxy, message);
  }

  private async startSwarms(): Promise<void> {
    const n = this.config.clients.arrivalsMs.length;
    const count = Math.max(1, Math.min(this.config.swarms, n));
    await Promise.all(
      Array.from({ length: count }, async (_, k) => {
        const child = this.children.start(childFile(this.config.stack === 'socket-io' ? 'socketio-swarm-main' : 'swarm-main'));
        this.swarms.push(child);
        const clientIds = Array.from({ length: Math.ceil((n - k) / count) }, (_, j) => k + j * count);
        this.send(child, {
          type: 'init',
          swarm: k,
          swarms: count,
          clientIds,
          clients: this.config.clients,
          reconnect: this.config.reconnect,
          heartbeat: this.config.heartbeat,
          messages: this.config.messages,
          polling: this.config.polling,
          proxyPorts: this.proxyPorts,
          seed: this.config.seed,
          servers: this.servers.length,
        });
        const ready = await nextMessage(child, (m) => ((m as SwarmEvent).type === 'ready' ? true : null), SETUP_TIMEOUT_MS);
        if (ready === null) throw new Error(`client swarm ${String(k)} did not start within ${String(SETUP_TIMEOUT_MS)} ms`);
      }),
    );
  }

  /** A warm start: the swarms connect their warm clients through the proxies, before the clock starts. */
  private async warmStart(): Promise<void> {
    const warm = this.config.clients.warmPhases.length;
    if (warm === 0) return;
    const timeoutMs = SETUP_TIMEOUT_MS + this.config.clients.connectTimeoutMs * Math.ceil(warm / WARM_CONNECTS_IN_FLIGHT);
    const counts = await Promise.all(
      this.swarms.map((child) => {
        const reply = nextMessage(child, (m) => ((m as SwarmEvent).type === 'warmed' ? (m as { connected: number }).connected : null), timeoutMs);
        this.send(child, { type: 'warm' });
        return reply;
      }),
    );
    if (counts.some((n) => n === null)) throw new Error(`the warm start did not finish within ${String(timeoutMs)} ms`);
    this.log(`real: warm start, ${String(counts.reduce<number>((a, n) => a + (n ?? 0), 0))} of ${String(warm)} clients connected before time 0`);
  }

  /** Asks every process for its counters at once; a stopped or dead one keeps its last answer. */
  private async sampleAll(): Promise<Gathered> {
    const ask = <T>(child: ChildProcess | null, message: ServerCommand | ProxyCommand | SwarmCommand): Promise<T | null> => {
      if (child === null || !child.connected) return Promise.resolve(null);
      const reply = nextMessage(child, (m) => ((m as { type: string }).type === 'sample' ? (m as { sample: T }).sample : null), SAMPLE_TIMEOUT_MS);
      this.send(child, message);
      return reply;
    };
    const [servers, swarms, proxies] = await Promise.all([
      Promise.all(this.servers.map((slot) => (slot.up && !slot.hung ? ask<ServerSample>(slot.child, { type: 'sample' }) : Promise.resolve(null)))),
      Promise.all(this.swarms.map((child) => ask<SwarmSample>(child, { type: 'sample' }))),
      Promise.all(this.proxies.map((child) => ask<ProxySample>(child, { type: 'sample' }))),
    ]);
    servers.forEach((sample, s) => {
      const slot = this.servers[s] as ServerSlot;
      if (sample === null) return;
      slot.last = sample;
      this.decisions.push(...sample.decisions);
    });
    for (const proxy of proxies) {
      if (proxy === null) continue;
      this.picks.push(...proxy.picks);
      this.decisions.push(...proxy.decisions);
      for (const d of proxy.decisions) {
        if (d.kind !== 'health') continue;
        this.events.push(runEvent.balancerMark(d.atMs, d.healthy, d.server, d.balancer));
      }
    }
    for (const swarm of swarms) if (swarm !== null) this.decisions.push(...swarm.decisions);
    return { servers: this.servers.map((slot) => (slot.up ? slot.last : null)), up: this.servers.map((slot) => slot.up), swarms, proxies, published: this.published };
  }

  private fault(fault: RealFault): void {
    if (fault.kind === 'disconnect') {
      this.disconnect(fault);
      return;
    }
    const slot = this.servers[fault.server];
    if (slot === undefined || !slot.up || slot.child === null) return;
    const child = slot.child;
    if (fault.kind === 'crash') {
      this.stopServer(fault.server, 'server:crash');
      if (fault.restartAfterMs !== null) this.schedule(fault.atMs + fault.restartAfterMs, () => void this.restart(fault.server));
    } else if (fault.kind === 'hang') {
      this.event('server:hang', fault.server);
      // Should this run die while the server is stopped, the shell kills it: a stopped process cannot see its parent go.
      const guard = this.children.startShell(`while kill -0 ${String(process.pid)} 2>/dev/null; do sleep 0.2; done; kill -KILL ${String(child.pid)}`);
      slot.hung = true;
      kill(child, 'SIGSTOP');
      this.schedule(fault.atMs + fault.durationMs, () => {
        kill(child, 'SIGCONT');
        kill(guard, 'SIGKILL');
        slot.hung = false;
        this.event('server:resume', fault.server);
      });
    } else {
      this.event('server:drain', fault.server);
      this.toProxies({ type: 'weight', server: fault.server, weight: 0 });
      this.send(child, { type: 'drain', windowMs: fault.windowMs });
      const { restartAfterMs } = fault;
      if (restartAfterMs === null) return;
      this.schedule(fault.atMs + fault.windowMs, () => {
        this.stopServer(fault.server, 'server:stop');
        this.schedule(fault.atMs + fault.windowMs + restartAfterMs, () => {
          void this.restart(fault.server).then(() => {
            this.toProxies({ type: 'weight', server: fault.server, weight: (this.config.servers[fault.server] as RealConfig['servers'][number]).weight });
          });
        });
      });
    }
  }

  /** Every proxy drops its share of the connections; the event carries how many they dropped in all. */
  private disconnect(fault: Extract<RealFault, { kind: 'disconnect' }>): void {
    const atMs = Math.max(0, this.nowMs());
    const replies = this.proxies.map((child) => {
      const reply = nextMessage(child, (m) => ((m as ProxyEvent).type === 'disconnected' ? (m as { connections: number }).connections : null), FAULT_REPLY_TIMEOUT_MS);
      this.send(child, { type: 'disconnect', share: fault.share, servers: fault.servers, fin: fault.fin });
      return reply;
    });
    void Promise.all(replies).then((counts) => {
      this.events.push(runEvent.disconnect(atMs, counts.reduce<number>((a, n) => a + (n ?? 0), 0)));
    });
  }

  /** SIGKILL: the kernel resets every connection of the process. */
  private stopServer(s: number, kind: 'server:crash' | 'server:stop'): void {
    const slot = this.servers[s] as ServerSlot;
    if (slot.child !== null) kill(slot.child, 'SIGKILL');
    slot.child = null;
    slot.up = false;
    slot.hung = false;
    this.event(kind, s);
  }

  /** A new process on the same port (another if it is taken); the proxy learns the address. */
  private async restart(s: number): Promise<void> {
    const slot = this.servers[s] as ServerSlot;
    // A process started after the run's children were ended would outlive the run (and keep the command alive).
    await this.startServer(s, slot.port).catch(() => (this.ended ? undefined : this.startServer(s, 0)));
    if (this.ended) return;
    this.toProxies({ type: 'backend', server: s, port: slot.port });
    this.event('server:restart', s);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

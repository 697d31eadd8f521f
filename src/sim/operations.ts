import type { Rng } from '../engine/index.js';
import { runEvent } from '../metrics/index.js';
import { ClientState } from './clients.js';
import type { SimBalancer } from './balancer.js';
import { NEVER_MS } from './send-queues.js';
import type { OperationsPort, Rooms } from './ports.js';
import type { SimServer } from './server.js';
import type { World } from './world.js';

/**
 * What an operator, a fault or the autoscaler does to the fleet: crash, stop, restart, drain,
 * shed, hang, partition, slow down, add capacity, crash the balancer or the broker. Fault schedules and the autoscaler act on the
 * fleet only through this room; memory pressure kills a server through it too.
 */
export class Operations implements OperationsPort {
  constructor(
    private readonly world: World,
    private readonly rooms: Rooms,
    private readonly balancers: readonly SimBalancer[],
  ) {}

  /** The process dies: queued work is lost and every connection is reset. */
  crash(server: SimServer, kind: 'crash' | 'stop' | 'oom' = 'crash', hostUp = false): void {
    if (!server.up) return;
    server.kill(this.world.sim.nowMs);
    server.refusesWhileDown = hostUp;
    if (kind === 'crash') this.world.record(runEvent.serverCrash(this.world.sim.nowMs, server.id));
    for (const i of server.heldClients(this.world.clients)) this.rooms.serverSide.serverCloses(i);
    this.rooms.serverSide.resetBacklog(server);
  }

  stop(server: SimServer): void {
    this.crash(server, 'stop');
    this.world.record(runEvent.server('server:stop', this.world.sim.nowMs, server.id));
  }

  restart(server: SimServer, kind: 'server:restart' | 'server:join' = 'server:restart'): void {
    // A spare the autoscaler has not provisioned stays off whatever a fault schedule says.
    if (server.up || !server.provisioned) return;
    server.start(this.world.sim.nowMs);
    this.world.record(runEvent.server(kind, this.world.sim.nowMs, server.id));
  }

  /**
   * Graceful drain: the balancers stop sending new connections (weight 0) and the server closes
   * its connections spread evenly at random over `windowMs`; clients reconnect elsewhere by their backoff.
   */
  drain(server: SimServer, windowMs: number, kind: 'server:drain' | 'autoscaler:drain' = 'server:drain'): void {
    if (!server.up) return;
    this.world.record(runEvent.server(kind, this.world.sim.nowMs, server.id));
    for (const b of this.balancers) b.setWeight(server.id, 0);
    this.rooms.serverSide.closeSpread(server.heldClients(this.world.clients), windowMs);
  }

  /** The operator puts a drained server back into rotation. */
  undrain(server: SimServer): void {
    for (const b of this.balancers) b.setWeight(server.id, server.spec.weight);
  }

  /** Closes `count` connections of a server (newest first), spread over `windowMs`, so they reconnect elsewhere. */
  shed(server: SimServer, count: number, windowMs: number): void {
    const clients = this.world.clients;
    this.world.record(runEvent.serverShed(this.world.sim.nowMs, server.id, count));
    const held = server.heldClients(clients).filter((i) => clients.c.established[i] === 1);
    this.rooms.serverSide.closeSpread(held.slice(0, count), windowMs);
  }

  /** The process stops answering (SIGSTOP, a blocked event loop) for `durationMs`. */
  hang(server: SimServer, durationMs: number): void {
    if (!server.up) return;
    const sim = this.world.sim;
    this.world.record(runEvent.server('server:hang', sim.nowMs, server.id));
    // Its heartbeats stop with it: the connections' timers wait for the resume, one by one.
    this.rooms.timers.unbatchServer(server);
    for (const q of server.processes) q.freeze(sim.nowMs, sim.nowMs + durationMs);
    server.frozenUntilMs = Math.max(server.frozenUntilMs, sim.nowMs + durationMs);
    this.rooms.clientSide.watchStoppedServer(server, server.frozenUntilMs);
    sim.after(durationMs, () => {
      this.world.record(runEvent.server('server:resume', sim.nowMs, server.id));
    });
  }

  oom(server: SimServer): void {
    this.world.counters.oomKills++;
    this.world.record(runEvent.server('server:oom', this.world.sim.nowMs, server.id));
    this.crash(server, 'oom');
    this.world.sim.after(server.spec.restartAfterOomMs, () => {
      this.restart(server);
    });
  }

  afterWrites(server: SimServer): void {
    if (!server.up || server.memoryBytes() <= server.spec.memory.limitBytes) return;
    // The running total still holds consumed messages until their connection settles; count exactly first.
    this.rooms.pubsub?.settleServer(server);
    if (server.memoryBytes() > server.spec.memory.limitBytes) this.oom(server);
  }

  /** A server that is not there yet: down, and known down to every balancer, until it joins. */
  markAbsent(server: SimServer): void {
    for (const b of this.balancers) b.markAbsent(server.id);
  }

  /**
   * Cuts a random `share` of the clients off the network for `durationMs`. Nothing crosses their
   * connections until the heal: what the server writes (data and pings) waits in its buffers and
   * arrives after the heal (TCP retransmits it), so a server heartbeat whose pong cannot come back in
   * time closes the connection, discarding what waited. The client notices at the same time (its own
   * heartbeat) and its reconnect attempts time out until the partition heals.
   */
  partition(share: number, durationMs: number, rng: Rng): void {
    const { clients, sim } = this.world;
    const c = clients.c;
    const untilMs = sim.nowMs + durationMs;
    let cut = 0;
    for (let i = 0; i < clients.count; i++) {
      if (c.state[i] === ClientState.gone || rng.next() >= share) continue;
      // Its pongs are lost from now on: the heartbeat runs per connection to find out.
      this.rooms.timers.unbatch(i);
      c.partitionedUntilMs[i] = Math.max(c.partitionedUntilMs[i] as number, untilMs);
      if (c.established[i] === 1) this.rooms.pubsub?.cut(i, c.partitionedUntilMs[i] as number);
      cut++;
    }
    this.world.record(runEvent.partition(sim.nowMs, cut, durationMs));
  }

  /**
   * A gateway or proxy restart in front of `servers`: a random `share` of their open connections die
   * at once. With `fin`, the proxy's sockets close, so both ends see it and the clients reconnect
   * through their backoff. Without, the proxy's state is lost silently and the connection is dead, for
   * good: nothing more crosses it either way. What the server writes is never acknowledged and piles
   * up in its buffers, where backpressure sees it (TCP retransmits into the void); pings go unanswered,
   * so the server's heartbeat gives up on it (TCP keepalive without one), discarding what waited, and
   * the client learns then, as in a partition, and reconnects (resume may replay what it missed).
   * A long-polling session's polls go nowhere until the session times out.
   */
  disconnect(share: number, servers: readonly SimServer[], rng: Rng, fin: boolean): void {
    const { clients, sim } = this.world;
    const chosen: number[] = [];
    for (const server of servers) {
      if (!server.up) continue;
      for (const i of server.heldClients(clients)) if (clients.c.established[i] === 1 && rng.next() < share) chosen.push(i);
    }
    this.world.record(runEvent.disconnect(sim.nowMs, chosen.length));
    const c = clients.c;
    for (const i of chosen) {
      if (fin) {
        this.rooms.serverSide.serverCloses(i);
        continue;
      }
      if (c.polling[i] === 1) c.partitionedUntilMs[i] = Math.max(c.partitionedUntilMs[i] as number, this.rooms.timers.deadPeerDetectedAt(i));
      else this.rooms.timers.sever(i);
      this.rooms.pubsub?.cut(i, NEVER_MS);
    }
  }

  /**
   * A balancer process dies (its host stays up): every connection and attempt through it closes,
   * both ends see it, and the clients reconnect by their backoff; DNS still sends a share of the
   * new attempts to it, which get a reset at once until it restarts.
   */
  crashBalancer(b: number): void {
    const balancer = this.balancers[b] as SimBalancer;
    if (!balancer.up) return;
    const { clients, sim } = this.world;
    const c = clients.c;
    let connections = 0;
    balancer.up = false;
    for (let i = 0; i < clients.count; i++) {
      if (c.balancer[i] !== b) continue;
      if (c.established[i] === 1) connections++;
      if ((c.server[i] as number) >= 0) this.rooms.serverSide.serverCloses(i);
      else {
        // Accepted or queued here, not yet at a server: the client's socket is reset.
        this.rooms.tier.unroute(i);
        c.queued[i] = 0;
        c.epoch[i] = (c.epoch[i] as number) + 1;
        this.rooms.clientSide.replyFailed(i);
      }
    }
    this.world.record(runEvent.balancerCrash(sim.nowMs, b, connections));
  }

  /** The balancer is back; its view of the backends is as it was (its checks resume). */
  restartBalancer(b: number): void {
    const balancer = this.balancers[b] as SimBalancer;
    if (balancer.up) return;
    balancer.up = true;
    this.world.record(runEvent.balancerRestart(this.world.sim.nowMs, b));
  }

  /**
   * The pub/sub broker (one shard, or every shard) dies: publishes to it fail and nothing fans out from
   * it until it restarts; the WebSocket servers stay up, so no connection closes.
   */
  crashBroker(shard: number | undefined, keepsHistory: boolean): void {
    this.rooms.broker?.crash(shard, keepsHistory);
  }

  restartBroker(shard: number | undefined, keepsHistory: boolean): void {
    this.rooms.broker?.restart(shard, keepsHistory);
  }

  /** Handshakes cost `factor` times their profile's CPU until the slowdown ends. */
  slowdown(factor: number): void {
    this.world.record(runEvent.slowdown(this.world.sim.nowMs, factor));
    for (const s of this.world.servers) s.handshakeSlowdown = factor;
  }

  endSlowdown(): void {
    this.world.record(runEvent.slowdownEnd(this.world.sim.nowMs));
    for (const s of this.world.servers) s.handshakeSlowdown = 1;
  }

  /** A crowd of `clients` arrives, ramping in over `overMs`. */
  flashCrowd(clients: number, overMs: number): void {
    const atMs = this.world.sim.nowMs;
    this.world.record(runEvent.flashCrowd(atMs, clients));
    this.rooms.clientSide.addArrivals({ kind: 'ramp', clients, startMs: atMs, overMs });
  }
}

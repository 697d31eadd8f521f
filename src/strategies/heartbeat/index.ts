import { z } from 'zod';
import { entry, type StrategyEntry } from '../types.js';
import type { Heartbeat } from './types.js';
import { createPingPong } from './ping-pong.js';
import { createWsInterval } from './ws-interval.js';
import { createNoHeartbeat } from './none.js';

export { HeartbeatPhase, keepTimer, type Heartbeat, type HeartbeatStep, type HeartbeatAction } from './types.js';

/** Every heartbeat, by the name experiments use. Defaults follow Engine.IO and the ws README. */
export const heartbeats = {
  'ping-pong': entry(
    'ping after an interval, close if no pong within a timeout (Engine.IO: 25 s / 20 s)',
    z.object({ intervalMs: z.number().positive().default(25_000), timeoutMs: z.number().positive().default(20_000) }).strict(),
    createPingPong,
  ),
  'ws-interval': entry(
    'every interval, close if no pong since the last ping, else ping (ws README: 30 s)',
    z.object({ intervalMs: z.number().positive().default(30_000) }).strict(),
    createWsInterval,
  ),
  none: entry('no heartbeat', z.object({}).strict(), createNoHeartbeat),
} satisfies Record<string, StrategyEntry<Heartbeat>>;

export type HeartbeatName = keyof typeof heartbeats;

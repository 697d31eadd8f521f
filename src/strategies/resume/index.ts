import { z } from 'zod';
import { entry, type StrategyEntry } from '../types.js';
import type { Resume } from './types.js';
import { createNoResume } from './none.js';
import { createHistoryResume } from './history-replay.js';
import { createSocketIoRecovery } from './socket-io-recovery.js';

export type { Resume, ResumeDecision, ResumeOrdering, HistoryView, HistorySince } from './types.js';
export { ChannelHistory, type HistoryOptions } from './history.js';
export { ChannelReceiver, Receivers, type Delivery, type ReceiverCounts } from './receiver.js';
export { fresh, fromHistory } from './decisions.js';

const maxReplay = z.number().int().min(0).nullable();
/** buffer: live messages wait for the replay (Centrifugo, Socket.IO); none: they are written as they come and overtake it. */
const ordering = z.enum(['buffer', 'none']);

/**
 * Every resume strategy, by the name experiments use. Presets follow their sources: Socket.IO connection state
 * recovery (https://socket.io/docs/v4/connection-state-recovery), Centrifugo history and recovery
 * (https://centrifugal.dev/docs/server/history_and_recovery), which buffers the channel's publications while a
 * subscription recovers and merges them after the history (PubSubSync in
 * https://github.com/centrifugal/centrifuge/blob/master/internal/recovery/recovery.go): ordering buffer.
 */
export const resumes = {
  none: entry('never resume: a reconnecting client subscribes from now and loses what it missed', z.object({}).strict(), createNoResume),
  history: entry(
    'replay missed messages from history; a gap if evicted or over maxReplay; ordering none: live overtakes replay',
    z.object({ maxReplay: maxReplay.default(null), ordering: ordering.default('buffer') }).strict(),
    (options): Resume => createHistoryResume(options),
  ),
  'socket-io-recovery': entry(
    'all or nothing: replay if away ≤ 120 s and history holds every missed message, else fresh (Socket.IO)',
    z.object({ maxDisconnectionDurationMs: z.number().min(0).default(120_000) }).strict(),
    createSocketIoRecovery,
  ),
  centrifugo: entry(
    'replay from history, at most 300 messages; a larger backlog is a gap (Centrifugo recovery limit)',
    z.object({ maxReplay: maxReplay.default(300) }).strict(),
    (options): Resume => createHistoryResume({ ...options, ordering: 'buffer' }, 'centrifugo'),
  ),
} satisfies Record<string, StrategyEntry<Resume>>;

export type ResumeName = keyof typeof resumes;

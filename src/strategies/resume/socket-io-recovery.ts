import type { Resume } from './types.js';
import { fresh, fromHistory } from './decisions.js';

export interface SocketIoRecoveryOptions {
  /** Longest absence that can be recovered (Socket.IO connectionStateRecovery). @default 120000 */
  maxDisconnectionDurationMs: number;
}

/**
 * Socket.IO connection state recovery: all or nothing. Replays every missed message when the client was
 * away at most maxDisconnectionDurationMs and history still holds them all; otherwise the session is not
 * recovered and the client starts fresh (every missed message lost). The history window itself is the
 * broker's: Socket.IO keeps packets for maxDisconnectionDurationMs (ttlMs 120 000). The socket joins its rooms
 * and writes the missed packets in its constructor, in one tick, after the session is restored
 * (https://github.com/socketio/socket.io/blob/main/packages/socket.io/lib/socket.ts), so no live packet overtakes them.
 */
export function createSocketIoRecovery(options: SocketIoRecoveryOptions): Resume {
  const { maxDisconnectionDurationMs } = options;
  return {
    name: 'socket-io-recovery',
    ordering: 'buffer',
    onReconnect(lastSerial, history, nowMs, disconnectedAtMs) {
      if (lastSerial === null || nowMs - disconnectedAtMs > maxDisconnectionDurationMs) return fresh(lastSerial, history);
      const decision = fromHistory(lastSerial, history, nowMs, null);
      return decision.kind === 'replay' ? decision : fresh(lastSerial, history);
    },
  };
}

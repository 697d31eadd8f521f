import type { HistoryView } from './history.js';

export type { HistoryView, HistorySince } from './history.js';

/**
 * What a channel subscription does on reconnect. Every decision says the same three things, so an adapter
 * and a receiver apply them alike: the `lost` serials right after the client's last serial are skipped,
 * then `count` messages from `fromSerial` are replayed (always through the latest serial), then live
 * messages follow from latestSerial + 1. So fromSerial = lastSerial + 1 + lost and fromSerial + count = latestSerial + 1.
 */
export type ResumeDecision =
  /** History covers the outage: replay every missed message; nothing lost. */
  | { readonly kind: 'replay'; readonly fromSerial: number; readonly count: number; readonly lost: 0 }
  /**
   * History does not cover the outage (evicted, or a backlog over the replay cap): the oldest `lost` missed
   * messages are gone; the rest (`count`, possibly 0) are replayed.
   */
  | { readonly kind: 'gap'; readonly fromSerial: number; readonly count: number; readonly lost: number }
  /** No resume: subscribe from now (fromSerial = latestSerial + 1, count 0); everything published while away is lost. */
  | { readonly kind: 'fresh'; readonly fromSerial: number; readonly count: 0; readonly lost: number };

/**
 * How the server orders a resume's replay against the channel's live messages. `buffer`: live messages that
 * arrive while the history is fetched are held and written after the replay (Centrifugo's PubSubSync; Socket.IO
 * writes the missed packets in the same tick it joins the rooms), so the client receives serials in order.
 * `none`: the server subscribes to live messages first and writes the replay when the history fetch answers,
 * so live messages published meanwhile reach the client before older replayed ones.
 */
export type ResumeOrdering = 'buffer' | 'none';

/**
 * Decides how a reconnecting client resumes one channel. Pure apart from advancing the history's eviction
 * clock: the same inputs give the same decision, in the sim and on a real server.
 */
export interface Resume {
  readonly name: string;
  /** Whether live messages wait for the replay (`buffer`) or overtake it (`none`). */
  readonly ordering: ResumeOrdering;
  /**
   * @param lastSerial the last serial the client received on the channel, or null if it never subscribed
   * @param history the channel's history
   * @param nowMs when the client reconnects
   * @param disconnectedAtMs when the client's previous connection ended (for windows by time, like Socket.IO's)
   */
  onReconnect(lastSerial: number | null, history: HistoryView, nowMs: number, disconnectedAtMs: number): ResumeDecision;
}

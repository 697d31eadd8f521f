import { HubBroker, RedisBroker, type BrokerAddress, type BrokerClient } from './broker.js';
import type { RealMessagesSpec } from './config.js';
import { instantiate, resumes, type Rng } from '../strategies/index.js';

/** The run's message source: publishes through the same broker seam the servers use. */
export class Publisher {
  private readonly client: BrokerClient;

  /** Cumulative Zipf probabilities of the channels. */
  private readonly cdf: number[];

  constructor(
    private readonly address: BrokerAddress,
    private readonly spec: RealMessagesSpec,
    private readonly rng: Rng,
  ) {
    this.client = address.kind === 'hub' ? new HubBroker(address.port) : new RedisBroker(address.url, address.prefix, instantiate(resumes, spec.resume, 'messages.resume'), () => 0);
    const weights = Array.from({ length: spec.channels }, (_, c) => 1 / (c + 1) ** spec.popularityExponent);
    const total = weights.reduce((a, b) => a + b, 0);
    let sum = 0;
    this.cdf = weights.map((w) => (sum += w / total));
    this.cdf[this.cdf.length - 1] = 1;
  }

  /** One message on a channel drawn by popularity. */
  publish(): void {
    const u = this.rng.next();
    const channel = Math.max(0, this.cdf.findIndex((p) => p > u));
    this.client.publish(`ch${String(channel)}`, this.spec.bytes);
  }

  /** Closes the connection; on Redis, first removes this run's serial counters. */
  async close(): Promise<void> {
    if (this.address.kind === 'redis' && this.client instanceof RedisBroker) await this.client.removeKeys().catch(() => undefined);
    this.client.close();
  }
}

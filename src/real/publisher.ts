import { HubBroker, RedisBroker, type BrokerAddress, type BrokerClient } from './broker.js';
import type { RealMessagesSpec } from './config.js';
import { instantiate, pickByCdf, resumes, zipfCdf, type Rng } from '../strategies/index.js';

/** The run's message source: publishes through the same broker seam the servers use. */
export class Publisher {
  private readonly client: BrokerClient;

  /** Cumulative Zipf probabilities of the channels. */
  private readonly cdf: Float64Array;

  constructor(
    private readonly address: BrokerAddress,
    private readonly spec: RealMessagesSpec,
    private readonly rng: Rng,
  ) {
    this.client = address.kind === 'hub' ? new HubBroker(address.port) : new RedisBroker(address.url, address.prefix, instantiate(resumes, spec.resume, 'messages.resume'), () => 0);
    this.cdf = zipfCdf(spec.channels, spec.popularityExponent);
  }

  /** One message on a channel drawn by popularity. */
  publish(): void {
    const channel = pickByCdf(this.cdf, this.rng);
    this.client.publish(`ch${String(channel)}`, this.spec.bytes);
  }

  /** Closes the connection; on Redis, first removes this run's serial counters. */
  async close(): Promise<void> {
    if (this.address.kind === 'redis' && this.client instanceof RedisBroker) await this.client.removeKeys().catch(() => undefined);
    this.client.close();
  }
}

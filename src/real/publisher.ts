import { HubBroker, RedisBroker, type BrokerAddress, type BrokerClient } from './broker.js';
import type { RealMessagesSpec } from './config.js';
import { instantiate, resumes } from '../strategies/index.js';

/** The run's message source: publishes through the same broker seam the servers use. */
export class Publisher {
  private readonly client: BrokerClient;

  constructor(
    private readonly address: BrokerAddress,
    private readonly spec: RealMessagesSpec,
  ) {
    this.client = address.kind === 'hub' ? new HubBroker(address.port) : new RedisBroker(address.url, address.prefix, instantiate(resumes, spec.resume, 'messages.resume'), () => 0);
  }

  publish(channel: string): void {
    this.client.publish(channel, this.spec.bytes);
  }

  /** Closes the connection; on Redis, first removes this run's serial counters. */
  async close(): Promise<void> {
    if (this.address.kind === 'redis' && this.client instanceof RedisBroker) await this.client.removeKeys().catch(() => undefined);
    this.client.close();
  }
}

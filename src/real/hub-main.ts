import { Hub } from './hub.js';
import type { RealMessagesSpec } from './config.js';
import { exitWithParent, sendToParent } from './child.js';

/** Entry of the embedded broker hub process (forked by the runner). */
exitWithParent();
let hub: Hub | null = null;
process.on('message', (message: { type: 'init'; spec: RealMessagesSpec; startEpochMs: number }) => {
  if (hub !== null) return;
  hub = new Hub(message.spec, message.startEpochMs);
  hub.listen((port) => {
    sendToParent({ type: 'listening', port });
  });
});

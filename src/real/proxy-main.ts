import { RealProxy } from './proxy.js';
import type { ProxyCommand, ProxyEvent } from './protocol.js';
import { exitWithParent, sendToParent } from './child.js';

/** Entry of the balancing proxy process (forked by the runner). */
exitWithParent();
let proxy: RealProxy | null = null;
process.on('message', (message: ProxyCommand) => {
  if (message.type === 'init') {
    proxy = new RealProxy(message, (event: ProxyEvent) => {
      sendToParent(event);
    });
    proxy.listen();
  } else proxy?.command(message);
});

import { RealServer } from './server.js';
import type { ServerCommand, ServerEvent } from './protocol.js';
import { exitWithParent, sendToParent } from './child.js';

/** Entry of a server process (forked by the runner): waits for its init, then serves on 127.0.0.1. */
exitWithParent();
let server: RealServer | null = null;
process.on('message', (message: ServerCommand) => {
  if (message.type === 'init') {
    server = new RealServer(message, (event: ServerEvent) => {
      sendToParent(event);
    });
    server.listen();
  } else server?.command(message);
});

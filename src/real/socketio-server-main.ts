import { SocketIoServer } from './socketio-server.js';
import type { ServerCommand, ServerEvent } from './protocol.js';
import { exitWithParent, sendToParent } from './child.js';

/** Entry of a Socket.IO server process (forked by the runner for the socket-io stack): waits for its init, then serves on 127.0.0.1. */
exitWithParent();
let server: SocketIoServer | null = null;
process.on('message', (message: ServerCommand) => {
  if (message.type === 'init') {
    server = new SocketIoServer(message, (event: ServerEvent) => {
      sendToParent(event);
    });
    server.listen();
  } else server?.command(message);
});

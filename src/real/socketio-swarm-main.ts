import { SocketIoSwarm } from './socketio-swarm.js';
import type { SwarmCommand, SwarmEvent } from './protocol.js';
import { exitWithParent, sendToParent } from './child.js';

/** Entry of a socket.io-client swarm process (forked by the runner for the socket-io stack). */
exitWithParent();
let swarm: SocketIoSwarm | null = null;
const send = (event: SwarmEvent): void => {
  sendToParent(event);
};
process.on('message', (message: SwarmCommand) => {
  if (message.type === 'init') {
    swarm = new SocketIoSwarm(message);
    send({ type: 'ready' });
  } else if (message.type === 'start') swarm?.start(message.startEpochMs);
  else if (message.type === 'sample' && swarm !== null) send({ type: 'sample', sample: swarm.sample() });
  else if (message.type === 'stop') swarm?.stop();
});

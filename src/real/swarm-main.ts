import { Swarm } from './swarm.js';
import type { SwarmCommand, SwarmEvent } from './protocol.js';
import { exitWithParent, sendToParent } from './child.js';

/** Entry of a client swarm process (forked by the runner). */
exitWithParent();
let swarm: Swarm | null = null;
const send = (event: SwarmEvent): void => {
  sendToParent(event);
};
process.on('message', (message: SwarmCommand) => {
  if (message.type === 'init') {
    swarm = new Swarm(message);
    send({ type: 'ready' });
  } else if (message.type === 'warm') void swarm?.warm().then((connected) => { send({ type: 'warmed', connected }); });
  else if (message.type === 'start') swarm?.start(message.startEpochMs);
  else if (message.type === 'sample' && swarm !== null) send({ type: 'sample', sample: swarm.sample() });
  else if (message.type === 'stop') swarm?.stop();
});

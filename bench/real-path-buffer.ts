/**
 * How many bytes the loopback path of real mode holds between a server's ws socket and a client that has
 * stopped reading (server send buffer, the proxy's two sockets, client receive buffer), before ws's own
 * bufferedAmount starts to grow: the `network.pathBufferBytes` of a loopback run.
 *
 *   npx tsx bench/real-path-buffer.ts
 */
import { connect, createServer, type AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

const STEP_MESSAGES = 50;
const MESSAGE_BYTES = 4096;
/** ws's own buffer beyond which the path is taken as full. */
const FULL_BYTES = 256 * 1024;

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
await new Promise<void>((resolve) => wss.once('listening', () => { resolve(); }));
const serverPort = (wss.address() as AddressInfo).port;
const proxy = createServer((client) => {
  const upstream = connect(serverPort, '127.0.0.1');
  client.pipe(upstream);
  upstream.pipe(client);
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => { resolve(); }));
const pathBytes = await new Promise<number>((resolve) => {
  wss.on('connection', (ws) => {
    const message = Buffer.alloc(MESSAGE_BYTES, 120);
    let sent = 0;
    const tick = (): void => {
      for (let k = 0; k < STEP_MESSAGES; k++) ws.send(message);
      sent += STEP_MESSAGES * MESSAGE_BYTES;
      if (ws.bufferedAmount > FULL_BYTES) resolve(sent - ws.bufferedAmount);
      else setTimeout(tick, 20);
    };
    tick();
  });
  const client = new WebSocket(`ws://127.0.0.1:${String((proxy.address() as AddressInfo).port)}/`, { perMessageDeflate: false });
  client.on('open', () => { client.pause(); });
});
process.stdout.write(JSON.stringify({ pathBufferBytes: pathBytes }) + '\n');
process.exit(0);

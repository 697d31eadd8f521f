/**
 * A Socket.IO 4.8 server under measurement (forked by bench/socket-io-profile.ts): WebSocket
 * transport only, no compression, Engine.IO's heartbeat at the interval the parent asks for. It
 * answers the parent's IPC requests with its own CPU time and RSS, and counts the pongs it reads.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

interface Init {
  type: 'init';
  pingIntervalMs: number;
  pingTimeoutMs: number;
}
type Command = Init | { type: 'sample' } | { type: 'broadcast'; messages: number; bytes: number };

let pongs = 0;
let io: Server | null = null;
const send = (message: unknown): void => {
  process.send?.(message);
};

process.on('disconnect', () => process.exit(0));
process.on('message', (command: Command) => {
  if (command.type === 'init') {
    const http = createServer();
    io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, pingInterval: command.pingIntervalMs, pingTimeout: command.pingTimeoutMs, serveClient: false });
    io.on('connection', (socket) => {
      socket.conn.on('packet', (packet: { type: string }) => {
        if (packet.type === 'pong') pongs++;
      });
    });
    http.listen(0, '127.0.0.1', () => {
      const address = http.address();
      send({ type: 'listening', port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  } else if (command.type === 'sample') {
    const { user, system } = process.cpuUsage();
    send({ type: 'sample', cpuMs: (user + system) / 1000, memoryBytes: process.memoryUsage().rss, pongs, connections: io?.engine.clientsCount ?? 0 });
  } else {
    const payload = 'x'.repeat(command.bytes);
    for (let k = 0; k < command.messages; k++) io?.emit('m', payload);
    send({ type: 'broadcast-done', sends: command.messages * (io?.engine.clientsCount ?? 0) });
  }
});

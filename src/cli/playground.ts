import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { packageRoot } from '../experiment/index.js';
import { InputError } from './errors.js';

/** Options of `wsfleet playground`. */
export interface PlaygroundOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @default 4178 */
  port: number;
  /** Print `{url}` as JSON instead of a sentence. */
  json?: boolean;
}

/** The built playground: `npm run build:playground` writes it; a package from npm ships it. */
export function playgroundDir(): string {
  return join(packageRoot(), 'dist', 'playground');
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
};

/**
 * Serves a folder of static files on 127.0.0.1: GET and HEAD only, nothing outside the folder,
 * `/` as index.html. The page does everything else in the browser.
 */
export function staticServer(dir: string): Server {
  return createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad request: the path is not valid percent-encoding\n');
      return;
    }
    const file = normalize(join(dir, pathname === '/' ? 'index.html' : pathname));
    const inside = file.startsWith(dir + sep);
    if (!inside || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

/** `wsfleet playground`: serves the built playground on 127.0.0.1 until Ctrl-C (or SIGTERM), then frees the port. */
export async function playgroundCommand(options: PlaygroundOptions): Promise<void> {
  const dir = playgroundDir();
  if (!existsSync(join(dir, 'index.html'))) {
    throw new InputError(`✖ ${join(dir, 'index.html')} is missing: expected a built playground (run \`npm run build:playground\` in a clone; a package from npm ships it)`);
  }
  const server = staticServer(dir);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new InputError(`✖ --port ${String(options.port)}: 127.0.0.1:${String(options.port)} is in use; expected a free port (or --port 0 for any)`) : error);
    });
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const url = `http://127.0.0.1:${String(typeof address === 'object' && address !== null ? address.port : options.port)}/`;
  // The handlers go in before the URL is printed: whoever reads it may signal at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      server.closeAllConnections();
      server.close(() => {
        // Ctrl-C is how a user stops it; the shell convention for SIGINT is 130, SIGTERM 143.
        process.exitCode = signal === 'SIGINT' ? 130 : 143;
        resolve();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write(options.json === true ? JSON.stringify({ url }) + '\n' : `wsfleet playground: ${url} (Ctrl-C to stop)\n`);
  await stopped;
}

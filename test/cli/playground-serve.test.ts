/**
 * `wsfleet playground`: a static server for dist/playground on 127.0.0.1, GET and HEAD only, nothing
 * outside the folder, stopped by Ctrl-C (exit 130) or SIGTERM (143) with the port freed.
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { createConnection, createServer, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import buildPlayground from '../setup/build-playground.js';
import { repoRoot, STACK_LINE, wsfleet } from './cli.js';
import { startPlayground, stopPlayground, type Served } from './playground-server.js';

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with the path sent as written (no client-side `..` resolution). */
function fetchRaw(port: number, path: string, method = 'GET'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Whether a TCP connection to 127.0.0.1:port is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

beforeAll(() => {
  if (existsSync(join(repoRoot, 'dist', 'playground', 'index.html'))) return;
  // This lane's globalSetup (test/setup/build.ts) compiled dist/ in the parent process; its flag tells
  // the browser lane's set-up not to recompile dist/ here, under other tests running the CLI from it.
  (globalThis as Record<symbol, unknown>)[Symbol.for('wsfleet.test.built')] = true;
  buildPlayground();
}, 120_000);

describe('wsfleet playground --port 0 --json', () => {
  let served: Served | undefined;

  beforeAll(async () => {
    served = await startPlayground();
  }, 30_000);

  afterAll(async () => {
    if (served !== undefined && served.child.exitCode === null && served.child.signalCode === null) await stopPlayground(served, 'SIGKILL');
  });

  const port = (): number => {
    if (served === undefined) throw new Error('beforeAll did not start the server');
    return served.port;
  };

  it('prints one JSON line with a URL on 127.0.0.1 and a port it chose', () => {
    expect(served?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(port()).toBeGreaterThan(0);
    expect(served?.stdout()).toBe(`{"url":"http://127.0.0.1:${String(port())}/"}\n`);
  });

  it('serves index.html at / as HTML, and HEAD with no body', async () => {
    const r = await fetchRaw(port(), '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html\b/);
    expect(r.body).toContain('<title>wsfleet playground</title>');
    const head = await fetchRaw(port(), '/', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(r.body)));
    expect(head.body).toBe('');
  });

  it('serves the scripts index.html references with a JavaScript content type', async () => {
    const html = (await fetchRaw(port(), '/')).body;
    const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const r = await fetchRaw(port(), new URL(src, 'http://127.0.0.1/').pathname);
      expect(r.status, src).toBe(200);
      expect(r.headers['content-type'], src).toMatch(/^(text|application)\/javascript\b/);
      expect(r.body.length, src).toBeGreaterThan(1000);
    }
  });

  it.each(['/../package.json', '/%2e%2e/package.json', '/%2E%2E/%2E%2E/package.json', '/..%2f..%2fpackage.json', '/assets/../../../package.json', '/no-such-file.js', '/assets'])(
    'answers 404 to %s',
    async (path) => {
      const r = await fetchRaw(port(), path);
      expect(r.status).toBe(404);
      expect(r.body).not.toContain('"name": "wsfleet"');
    },
  );

  it('answers 400 to a path that is not valid percent-encoding, and keeps serving', async () => {
    const r = await fetchRaw(port(), '/%E0%A4%A');
    expect(r.status).toBe(400);
    expect((await fetchRaw(port(), '/')).status).toBe(200);
  });

  it.each(['POST', 'PUT', 'DELETE'])('answers 405 to %s /', async (method) => {
    const r = await fetchRaw(port(), '/', method);
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD');
  });

  it('stops on SIGINT with exit code 130, frees its port and prints nothing more', async () => {
    if (served === undefined) throw new Error('beforeAll did not start the server');
    expect(await accepts(served.port)).toBe(true);
    expect(await stopPlayground(served, 'SIGINT')).toEqual({ code: 130, signal: null });
    expect(await accepts(served.port)).toBe(false);
    expect(served.stdout()).toBe(`{"url":"http://127.0.0.1:${String(served.port)}/"}\n`);
    expect(served.stderr()).toBe('');
  });
});

describe('wsfleet playground, stopped and refused', () => {
  it('stops on SIGTERM with exit code 143', async () => {
    const served = await startPlayground();
    expect(await accepts(served.port)).toBe(true);
    expect(await stopPlayground(served, 'SIGTERM')).toEqual({ code: 143, signal: null });
    expect(await accepts(served.port)).toBe(false);
    expect(served.stderr()).toBe('');
  });

  it('exits 2 with one line naming a --port already in use, and no stack trace', async () => {
    const taken: NetServer = createServer();
    await new Promise<void>((resolve) => {
      taken.listen(0, '127.0.0.1', resolve);
    });
    try {
      const address = taken.address();
      const busy = typeof address === 'object' && address !== null ? address.port : 0;
      expect(busy).toBeGreaterThan(0);
      const r = wsfleet(['playground', '--port', String(busy)], 20_000);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^✖ /);
      expect(lines[0]).toContain(String(busy));
      expect(r.stderr).not.toMatch(STACK_LINE);
    } finally {
      await new Promise<void>((resolve) => {
        taken.close(() => {
          resolve();
        });
      });
    }
  });

  it.each(['abc', '70000', '-1', '1.5'])('exits 2 on --port %s, naming it, with no stack trace', (value) => {
    const r = wsfleet(['playground', '--port', value], 20_000);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`'${value}'`);
    expect(r.stderr).toContain('--port');
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});

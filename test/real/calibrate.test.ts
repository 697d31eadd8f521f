import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/experiment/index.js';
import { STACK_LINE, wsfleet } from '../cli/cli.js';

describe('wsfleet calibrate', () => {
  it('writes a server, a balancer and a client profile that validate, with measured costs and how they were measured', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsfleet-cal-'));
    try {
      for (const kind of ['servers', 'balancers', 'clients']) mkdirSync(join(dir, kind));
      const r = wsfleet(['calibrate', '--connections', '300', '--out', join(dir, 'servers', 'here.yaml'), '--balancer-out', join(dir, 'balancers', 'proxy.yaml'), '--clients-out', join(dir, 'clients', 'swarm.yaml')]);
      expect(r.status, r.stderr).toBe(0);
      const server = loadProfile('servers', 'here', dir);
      if ('issues' in server) throw new Error(JSON.stringify(server.issues));
      const v = server.profile.values as { handshakeCostMs: { lognormal: { meanMs: number } }; pingCostMs: number; messageOutCostMs: number; memory: { perConnectionBytes: number } };
      expect(v.handshakeCostMs.lognormal.meanMs).toBeGreaterThan(0);
      expect(v.pingCostMs).toBeGreaterThan(0);
      expect(v.messageOutCostMs).toBeGreaterThan(0);
      expect(v.memory.perConnectionBytes).toBeGreaterThan(0);
      expect(server.profile.sources.join(' ')).toMatch(/process\.cpuUsage/);
      const proxy = loadProfile('balancers', 'proxy', dir);
      if ('issues' in proxy) throw new Error(JSON.stringify(proxy.issues));
      expect((proxy.profile.values as { cpuPerConnectionMs: { lognormal: { meanMs: number } } }).cpuPerConnectionMs.lognormal.meanMs).toBeGreaterThan(0);
      const clients = loadProfile('clients', 'swarm', dir);
      if ('issues' in clients) throw new Error(JSON.stringify(clients.issues));
      const clientCpu = (clients.profile.values as { cpu: { connectCostMs: { lognormal: { meanMs: number } }; messageCostMs: number } }).cpu;
      expect(clientCpu.connectCostMs.lognormal.meanMs).toBeGreaterThan(0);
      // Reading a 64-byte frame costs the client far less than a connect, and something.
      expect(clientCpu.messageCostMs).toBeGreaterThan(0);
      expect(clientCpu.messageCostMs).toBeLessThan(clientCpu.connectCostMs.lognormal.meanMs);
      expect(r.stdout).toContain('proxy CPU per connection');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('refuses an --out that is not a .yaml file in an existing folder', () => {
    for (const flag of ['--out', '--balancer-out', '--clients-out']) {
      for (const out of ['/no/such/folder/p.yaml', join(tmpdir(), 'p.json')]) {
        const r = wsfleet(['calibrate', flag, out]);
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(`${flag} ${out}`);
        expect(r.stderr).not.toMatch(STACK_LINE);
      }
    }
  });
});

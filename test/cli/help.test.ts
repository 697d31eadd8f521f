/** What the commands print: run in process (src/cli/program.ts), so this file needs no build and no child. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wsfleetInProcess } from './cli.js';

const COMMANDS = ['run', 'report', 'merge', 'list', 'explain', 'new', 'schema'];

describe('--help', () => {
  it('lists every command at the top level, with examples', async () => {
    const r = await wsfleetInProcess(['--help']);
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(r.stdout).toContain('Examples:');
  });

  it.each(COMMANDS)('of %s shows examples that use the command', async (command) => {
    const r = await wsfleetInProcess([command, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Examples?:\n/);
    expect(r.stdout).toMatch(new RegExp(`^  wsfleet ${command}\\b`, 'm'));
  });
});

describe('--json', () => {
  it('explain prints the resolved experiment and its profiles', async () => {
    const r = await wsfleetInProcess(['explain', 'experiments/reconnect-storm.yaml', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { experiment: { name: string; fleet: { servers: number } }; profiles: { name: string; sources: string[] }[] };
    expect(out.experiment.name).toBe('reconnect-storm');
    expect(out.experiment.fleet.servers).toBe(10);
    expect(out.profiles.map((p) => p.name)).toContain('node-ws-tls');
  });

  it('new prints the file it wrote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsfleet-new-'));
    try {
      const r = await wsfleetInProcess(['new', 'my-question', '--dir', dir, '--json']);
      expect(r.status, r.stderr).toBe(0);
      const { file } = JSON.parse(r.stdout) as { file: string };
      expect(readFileSync(file, 'utf8')).toContain('name: my-question');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--scale', () => {
  it('multiplies client counts, flash crowds and arrival rates in the resolved experiment', async () => {
    const r = await wsfleetInProcess(['explain', 'experiments/flash-crowd.yaml', '--scale', '0.1', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const { experiment } = JSON.parse(r.stdout) as { experiment: { clients: { arrivals: { ramp: { clients: number } } }; faults: { 'flash-crowd'?: { clients: number } }[] } };
    expect(experiment.clients.arrivals.ramp.clients).toBe(800);
    expect(experiment.faults.find((f) => f['flash-crowd'])?.['flash-crowd']?.clients).toBe(4000);
    const poisson = await wsfleetInProcess(['explain', 'experiments/balancing-algorithms.yaml', '--scale', '0.5', '--json']);
    expect((JSON.parse(poisson.stdout) as { experiment: { clients: { arrivals: { poisson: { ratePerSec: number } } } } }).experiment.clients.arrivals.poisson.ratePerSec).toBe(750);
    const warm = await wsfleetInProcess(['explain', 'experiments/balancer-spof.yaml', '--scale', '0.1', '--json']);
    expect((JSON.parse(warm.stdout) as { experiment: { clients: { initial: number } } }).experiment.clients.initial).toBe(4000);
  });

  it.each(['0', '-1', 'lots'])('rejects --scale %s', async (value) => {
    const r = await wsfleetInProcess(['run', 'experiments/reconnect-storm.yaml', '--scale', value]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/expected a number above 0/);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wsfleet } from './cli.js';

const COMMANDS = ['run', 'report', 'merge', 'list', 'explain', 'new', 'schema'];

describe('--help', () => {
  it('lists every command at the top level, with examples', () => {
    const r = wsfleet(['--help']);
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(r.stdout).toContain('Examples:');
  });

  it.each(COMMANDS)('of %s shows examples that use the command', (command) => {
    const r = wsfleet([command, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Examples?:\n/);
    expect(r.stdout).toMatch(new RegExp(`^  wsfleet ${command}\\b`, 'm'));
  });
});

describe('--json', () => {
  it('explain prints the resolved experiment and its profiles', () => {
    const r = wsfleet(['explain', 'experiments/reconnect-storm.yaml', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { experiment: { name: string; fleet: { servers: number } }; profiles: { name: string; sources: string[] }[] };
    expect(out.experiment.name).toBe('reconnect-storm');
    expect(out.experiment.fleet.servers).toBe(10);
    expect(out.profiles.map((p) => p.name)).toContain('node-ws-tls');
  });

  it('new prints the file it wrote', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsfleet-new-'));
    try {
      const r = wsfleet(['new', 'my-question', '--dir', dir, '--json']);
      expect(r.status, r.stderr).toBe(0);
      const { file } = JSON.parse(r.stdout) as { file: string };
      expect(readFileSync(file, 'utf8')).toContain('name: my-question');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--scale', () => {
  it('multiplies client counts, flash crowds and arrival rates in the resolved experiment', () => {
    const r = wsfleet(['explain', 'experiments/flash-crowd.yaml', '--scale', '0.1', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const { experiment } = JSON.parse(r.stdout) as { experiment: { clients: { arrivals: { ramp: { clients: number } } }; faults: { 'flash-crowd'?: { clients: number } }[] } };
    expect(experiment.clients.arrivals.ramp.clients).toBe(800);
    expect(experiment.faults.find((f) => f['flash-crowd'])?.['flash-crowd']?.clients).toBe(4000);
    const poisson = wsfleet(['explain', 'experiments/balancing-algorithms.yaml', '--scale', '0.5', '--json']);
    expect((JSON.parse(poisson.stdout) as { experiment: { clients: { arrivals: { poisson: { ratePerSec: number } } } } }).experiment.clients.arrivals.poisson.ratePerSec).toBe(750);
  });

  it.each(['0', '-1', 'lots'])('rejects --scale %s', (value) => {
    const r = wsfleet(['run', 'experiments/reconnect-storm.yaml', '--scale', value]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/expected a number above 0/);
  });
});

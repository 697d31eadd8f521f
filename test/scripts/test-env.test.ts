import { describe, expect, it } from 'vitest';
import { LANES, missingLine, planProvisioning, selectedLanes, TOOLS, type Host, type Tool } from '../../scripts/test-env.js';

const root: Host = { root: true, apt: true, noApt: false };
const names = (tools: readonly Tool[]): string[] => tools.map((t) => t.name);
const nothingFound = (): boolean => false;
const everythingFound = (): boolean => true;

describe('the lanes a test command runs', () => {
  it('are every lane without --project', () => {
    expect(selectedLanes([])).toEqual([...LANES]);
    expect(selectedLanes(['test/real/messages.test.ts', '-t', 'Redis'])).toEqual([...LANES]);
  });

  it('are those named by --project, in either spelling', () => {
    expect(selectedLanes(['--project', 'unit', '--project=model'])).toEqual(['unit', 'model']);
  });

  it('follow vitest wildcards and exclusions', () => {
    expect(selectedLanes(['--project', 'r*'])).toEqual(['real']);
    expect(selectedLanes(['--project', '!golden'])).toEqual(['unit', 'model', 'cli', 'real', 'browser']);
  });
});

describe('provisioning', () => {
  it('installs nothing for lanes that need no tool', () => {
    expect(planProvisioning(['unit', 'model', 'golden'], nothingFound, root)).toEqual({ install: [], unavailable: [] });
  });

  it('installs nothing when the tools are present', () => {
    expect(planProvisioning([...LANES], everythingFound, root)).toEqual({ install: [], unavailable: [] });
  });

  it('as root with apt, installs exactly the missing tools of the selected lanes', () => {
    expect(names(planProvisioning([...LANES], nothingFound, root).install)).toEqual(['chromium', 'redis-server']);
    expect(names(planProvisioning(['real'], nothingFound, root).install)).toEqual(['redis-server']);
    const onlyChromiumMissing = (t: Tool): boolean => t.name !== 'chromium';
    expect(names(planProvisioning([...LANES], onlyChromiumMissing, root).install)).toEqual(['chromium']);
  });

  it('without root, without apt-get or with WSFLEET_NO_APT installs nothing and says why', () => {
    const cases: [Host, string][] = [
      [{ root: false, apt: true, noApt: false }, 'this is not root, so apt-get cannot install chromium'],
      [{ root: true, apt: false, noApt: false }, 'apt-get is not on PATH, so apt-get cannot install chromium'],
      [{ root: true, apt: true, noApt: true }, 'WSFLEET_NO_APT is set, so apt-get cannot install chromium'],
    ];
    for (const [host, reason] of cases) {
      const plan = planProvisioning(['browser'], nothingFound, host);
      expect(plan.install).toEqual([]);
      expect(plan.unavailable.map((u) => [u.tool.name, u.reason])).toEqual([['chromium', reason]]);
    }
  });

  it('names the tool, where it was looked for, why and what is not run, on one line', () => {
    const chromium = TOOLS.find((t) => t.name === 'chromium');
    if (chromium === undefined) throw new Error('no chromium tool');
    const line = missingLine(chromium, '/usr/bin/chromium', 'this is not root, so apt-get cannot install chromium');
    expect(line).not.toContain('\n');
    expect(line).toContain('chromium is missing (/usr/bin/chromium) and this is not root');
    expect(line).toContain('will be reported as not run');
  });
});

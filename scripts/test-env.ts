/**
 * What `npm test` needs from the system, and what it does when something is missing. Pure decisions,
 * so the missing-tool paths are tested without uninstalling anything (test/scripts/test-env.test.ts).
 */

/** The vitest projects in vitest.config.ts. */
export const LANES = ['unit', 'model', 'cli', 'golden', 'real', 'browser'] as const;
export type Lane = (typeof LANES)[number];

/** A program some lane needs, how it is found and which Debian package provides it. */
export interface Tool {
  name: 'chromium' | 'redis-server';
  lane: Lane;
  /** Debian package that installs it. */
  aptPackage: string;
  /** Environment variable that replaces the default lookup (a path, or a name looked up in PATH). */
  override: string;
  /** Set for the tests when the tool is unavailable, with the reason; they report their checks as not run. */
  missingEnv: string;
  /** What the lane cannot check without it. */
  needs: string;
}

export const TOOLS: readonly Tool[] = [
  {
    name: 'chromium',
    lane: 'browser',
    aptPackage: 'chromium',
    override: 'WSFLEET_CHROMIUM',
    missingEnv: 'WSFLEET_CHROMIUM_MISSING',
    needs: 'opening report.html in headless Chromium',
  },
  {
    name: 'redis-server',
    lane: 'real',
    aptPackage: 'redis-server',
    override: 'WSFLEET_REDIS_SERVER',
    missingEnv: 'WSFLEET_REDIS_MISSING',
    needs: 'the Redis broker test',
  },
];

/** Turns a `--project` pattern (`*` wildcards, `!` to exclude) into a test of a lane name. */
function projectPattern(pattern: string): { exclude: boolean; matches: (lane: string) => boolean } {
  const exclude = pattern.startsWith('!');
  const body = exclude ? pattern.slice(1) : pattern;
  const re = new RegExp(`^${body.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return { exclude, matches: (lane) => re.test(lane) };
}

/** The lanes a vitest command line runs: those its `--project` flags select, or every lane. */
export function selectedLanes(args: readonly string[]): Lane[] {
  const patterns: string[] = [];
  args.forEach((arg, i) => {
    if (arg === '--project' && i + 1 < args.length) patterns.push(args[i + 1] ?? '');
    else if (arg.startsWith('--project=')) patterns.push(arg.slice('--project='.length));
  });
  if (patterns.length === 0) return [...LANES];
  const rules = patterns.map(projectPattern);
  const includes = rules.filter((r) => !r.exclude);
  return LANES.filter(
    (lane) => (includes.length === 0 || includes.some((r) => r.matches(lane))) && !rules.some((r) => r.exclude && r.matches(lane)),
  );
}

/** What the test command may do to this machine. */
export interface Host {
  /** Running as root (uid 0). */
  root: boolean;
  /** apt-get is on PATH. */
  apt: boolean;
  /** WSFLEET_NO_APT=1: never install, only report. */
  noApt: boolean;
}

/** Tools the selected lanes need: those to install with apt, and those that stay missing, with the reason. */
export interface Provisioning {
  install: Tool[];
  unavailable: { tool: Tool; reason: string }[];
}

/** Decides, for the tools the lanes need that were not found, whether apt-get installs them or why not. */
export function planProvisioning(lanes: readonly Lane[], found: (tool: Tool) => boolean, host: Host): Provisioning {
  const missing = TOOLS.filter((tool) => lanes.includes(tool.lane) && !found(tool));
  const why = host.noApt ? 'WSFLEET_NO_APT is set' : !host.root ? 'this is not root' : !host.apt ? 'apt-get is not on PATH' : null;
  if (why === null) return { install: missing, unavailable: [] };
  return { install: [], unavailable: missing.map((tool) => ({ tool, reason: `${why}, so apt-get cannot install ${tool.aptPackage}` })) };
}

/** The one line printed for a tool that stays missing; the same reason is passed to the tests. */
export function missingLine(tool: Tool, where: string, reason: string): string {
  return `npm test: ${tool.name} is missing (${where}) and ${reason}: ${tool.needs} will be reported as not run. Install Debian's ${tool.aptPackage} (npm test does, as root), or set ${tool.override} to its path.`;
}

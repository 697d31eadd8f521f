/** Slice `index` (from 1) of `count` equal slices of a sweep's runs. */
export interface Shard {
  index: number;
  count: number;
}

/** Options of `wsfleet run`, shared by single runs and sweeps. */
export interface RunCommandOptions {
  out?: string;
  seed?: number;
  set: string[];
  /** false with --no-sweep: run the file's own values once, ignoring its sweep block. @default true */
  sweep?: boolean;
  json?: boolean;
  quiet?: boolean;
  /** A sweep keeps every replication's time series, events and distributions, not only the first's. */
  allReplications?: boolean;
  /** Worker threads for sweeps. @default one per core */
  jobs?: number;
  /** Run only this slice of a sweep's runs. */
  shard?: Shard;
  /** Multiplies client counts and arrival rates. */
  scale?: number;
  /** Refuse runs estimated above this peak memory, in bytes. @default half of the machine's memory */
  maxMemory?: number;
  /** Stop the run after this much wall time, in ms, with exit code 124. @default no limit */
  maxWall?: number;
  /** Replace the out folder even when it holds files wsfleet did not write. */
  force?: boolean;
  /** Record a V8 CPU profile of the run: true writes `profile.cpuprofile` into the result folder, a string names the file. */
  profile?: boolean | string;
}

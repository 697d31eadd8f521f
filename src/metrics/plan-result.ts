/**
 * What `wsfleet plan` writes to plan.json: the SLOs and faults it judged, the analytic estimate,
 * every configuration it tried under every fault, and the answer. The report layer draws a plan
 * folder from this alone, as it draws a run folder from its result files.
 */

/** A bound on a summary metric: `metric op bound`, met with the plan's confidence. */
export interface PlanSlo {
  /** A summary key, e.g. `connect.latencyMs.p99`. */
  metric: string;
  op: '<=' | '>=';
  bound: number;
  /** As written for people, e.g. `connect.latencyMs.p99 ≤ 500`. */
  label: string;
}

/** A fault the fleet must survive, judged on its own. */
export interface PlanFault {
  /** `none`, `n+1`, `zone`, `rolling-deploy` or `flash-crowd`. */
  kind: string;
  /** What it does, for tables and sentences, e.g. `lose one server at 120 s`. */
  label: string;
}

/** `pass`: the confidence bound is clear of the SLO bound on the right side; `fail`: on the wrong side; `unclear`: the interval straddles it after the most replications allowed (judged a failure, since the SLO is not shown to hold). */
export type PlanVerdict = 'pass' | 'fail' | 'unclear';

/** One SLO judged on one configuration under one fault. */
export interface PlanSloResult {
  /** The SLO's metric (a summary key or a ratio of two); the k-th result of a trial judges {@link PlanResult.slos}[k]. */
  metric: string;
  /** Mean over replications (after the warm-up for a mean over the run; see {@link PlanTrial.warmupMs}). */
  mean: number;
  /** One-sided half-width at the plan's confidence (Student t); 0 with one replication. */
  ci: number;
  verdict: PlanVerdict;
  /** How far the mean is from the bound, as a share of the bound (positive: on the safe side). */
  margin: number;
}

/** One configuration at one value of the searched parameter, under one fault. */
export interface PlanTrial {
  /** Index into {@link PlanResult.configs}. */
  config: number;
  /** The searched parameter's value (server count unless the plan searches another path). */
  value: number;
  /** Objective of this configuration at this value: cost per hour, servers, or the value. */
  cost: number;
  /** Index into {@link PlanResult.faults}. */
  fault: number;
  replications: number;
  /** The warm-up cut before means over the run were judged (MSER-5 on the connected-clients series), median over replications; null when no SLO is a mean over the run. */
  warmupMs: number | null;
  slos: PlanSloResult[];
  /** pass when every SLO passes. */
  verdict: 'pass' | 'fail';
  /** The label of the SLO that decided a failure (the one furthest on the wrong side), else null. */
  binding: string | null;
}

/** One point of the search space other than the searched parameter: a server profile and grid values. */
export interface PlanConfig {
  label: string;
  /** Experiment paths to the values this configuration sets (the profile included). */
  settings: Record<string, unknown>;
  /** Cost per hour of one server of this configuration (servers × this is the fleet's server cost). */
  costPerServerHour: number;
  /** The smallest passing value found, or null. */
  answer: number | null;
  /** `feasible`: answer found; `infeasible`: fails at the largest value searched (the range's top, or the largest value cheaper than an answer already found); `pruned`: even its smallest value costs as much as an answer already found; `elsewhere`: searched by another shard (`--shard`). */
  status: 'feasible' | 'infeasible' | 'pruned' | 'elsewhere';
}

/** The analytic estimate printed beside the simulated answer. */
export interface PlanTheory {
  /** Per configuration (same order as configs): the value theory asks for and the reasons, largest first. */
  configs: { value: number; bounds: { reason: string; value: number }[] }[];
}

export interface PlanResult {
  name: string;
  question: string;
  seed: number;
  confidence: number;
  objective: 'cost' | 'servers' | 'value';
  /** The monotone parameter searched by bisection: its experiment path and range. */
  search: { path: string; min: number; max: number };
  slos: PlanSlo[];
  faults: PlanFault[];
  configs: PlanConfig[];
  theory: PlanTheory;
  /** Every configuration × value × fault simulated, in the order tried. */
  trials: PlanTrial[];
  /** Simulations run in all. */
  runs: number;
  /** The cheapest configuration that passes every SLO under every fault, or null. */
  answer: {
    config: number;
    value: number;
    cost: number;
    /** File name of the chosen fleet as an experiment, in the plan folder. */
    experimentFile: string;
  } | null;
  /** The next cheaper configuration tried, why it fails: the fault, the SLO and by how much. Null when nothing cheaper was tried. */
  nextCheaper: {
    config: number;
    value: number;
    cost: number;
    fault: number;
    metric: string;
    mean: number;
    bound: number;
    /** Relative shortfall: how far past the bound, as a share of it (negative: the mean is on the safe side but its interval is not). */
    by: number;
    /** fail: past the bound with the plan's confidence; unclear: the interval still straddled the bound after the most replications allowed. */
    verdict?: PlanVerdict;
    /** The one-sided half-width of that mean. */
    ci?: number;
    replications?: number;
  } | null;
  /** The answer in one sentence. */
  sentence: string;
}

/**
 * Which of a result folder's charts answers the experiment's question: the one its `keyChart` names,
 * else the first chart its `lookAt` names, else a sweep's first compared metric, else the first chart.
 * The gallery (scripts/lessons.ts) shows it; report.html draws it first.
 */
export interface KeyChartSource {
  keyChart?: string | undefined;
  lookAt?: string | undefined;
  sweep?: { compare?: readonly string[] | undefined } | undefined;
}

/** The key chart among `drawn` (file names under charts/ without extension, in drawing order); undefined when nothing was drawn. */
export function keyChartName(e: KeyChartSource, drawn: readonly string[]): string | undefined {
  const named = namedKeyChart(e, drawn);
  if (named !== undefined) return named;
  const compare = e.sweep?.compare?.[0];
  if (compare !== undefined && drawn.includes(`compare-${compare}`)) return `compare-${compare}`;
  return drawn[0];
}

/** The key chart the experiment names, by `keyChart` or in `lookAt`; undefined when it names none of `drawn`. */
export function namedKeyChart(e: KeyChartSource, drawn: readonly string[]): string | undefined {
  if (e.keyChart !== undefined && drawn.includes(e.keyChart)) return e.keyChart;
  return firstNamed(e.lookAt ?? '', drawn);
}

/** The drawn chart whose name appears first in `text` as a whole word (the longest name where two start at the same place). */
function firstNamed(text: string, drawn: readonly string[]): string | undefined {
  let best: { at: number; name: string } | undefined;
  for (const name of drawn) {
    const pattern = new RegExp(`(^|[^A-Za-z0-9.-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9-]|\\.[A-Za-z0-9])`);
    const m = pattern.exec(text);
    if (m === null) continue;
    const at = m.index + (m[1]?.length ?? 0);
    if (best === undefined || at < best.at || (at === best.at && name.length > best.name.length)) best = { at, name };
  }
  return best?.name;
}

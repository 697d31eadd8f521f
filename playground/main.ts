/**
 * The playground page: a lesson (an experiment of the library) with its question and lookAt, its
 * parameters as generated controls, the run in a Web Worker drawn as it grows with the CLI's own chart
 * specs, a YAML pane validated by the CLI's schema and messages, a comparison run, and the whole state
 * in the URL.
 */
import embed, { type Result as EmbedResult } from 'vega-embed';
import { parse } from 'yaml';
import { buildExperimentSchema, estimateRun, formatBytes, formatIssues, parseExperimentText, profileNames, type Experiment } from '../src/experiment/browser.js';
import { alertEvents, evaluateAlerts, type RunResult, type Summary, type TypedRunEvent } from '../src/metrics/index.js';
import { runCharts } from '../src/report/chart-requests.js';
import { chartNames } from '../src/report/fleet-charts.js';
import { human } from '../src/report/format.js';
import { HEADLINE } from '../src/report/headline.js';
import { getIn, knobsOf, type Knob } from './knobs.js';
import { LESSONS, lessonById, PROFILES, type Lesson } from './lessons.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { applySets, decodeState, encodeState, runCommand, setFlag, withSet, type PlaygroundState } from './state.js';

/** The largest run the page starts: the CLI's memory estimate, against what one browser tab can hold. */
const BROWSER_BUDGET_BYTES = 1.5e9;
/** Least wall time between chart redraws while a run grows; a slow redraw waits three times its own length, so the page stays responsive. */
const REDRAW_MS = 400;

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} is missing from index.html`);
  return el;
}

/** An element of index.html that must be of a given kind. */
function typed<T extends HTMLElement>(id: string, kind: new () => T): T {
  const el = $(id);
  if (!(el instanceof kind)) throw new Error(`#${id} in index.html is not a ${kind.name}`);
  return el;
}

const SCHEMA = buildExperimentSchema(profileNames(PROFILES), chartNames());
const defaultLesson = lessonById('reconnect-storm')?.id ?? LESSONS[0]?.id ?? '';

let state: PlaygroundState = decodeState(location.hash, defaultLesson);
if (lessonById(state.lesson) === undefined) state = { ...state, lesson: defaultLesson };

const lesson = (): Lesson => lessonById(state.lesson) ?? (LESSONS[0] as Lesson);
/** The experiment text a run reads: the hand-edited YAML, or the lesson with the knobs' sets written in. */
const currentText = (): string => state.yaml ?? applySets(lesson().text, state.sets);
const fileName = (): string => `${lesson().id}${state.yaml === null ? '' : '-edited'}.yaml`;

/** One run in its own worker, drawn into one column. */
class RunView {
  private worker: Worker | null = null;
  private runId = 0;
  private columns: string[] = [];
  private rows: number[][] = [];
  private log: TypedRunEvent[] = [];
  private finalEvents: TypedRunEvent[] | null = null;
  private experiment: Experiment | null = null;
  /** The run's virtual duration, in ms (1 before any run, so progress stays 0). */
  durationMs = 1;
  private views: EmbedResult[] = [];
  private redrawTimer: number | null = null;
  private lastDraw = 0;
  /** Wall time the last redraw took, from spec building to the charts drawn. */
  private drawCost = 0;
  events = 0;
  summaryJson: string | null = null;
  summary: Summary | null = null;
  state: 'idle' | 'running' | 'paused' | 'done' | 'invalid' | 'error' = 'idle';
  nowMs = 0;
  message = '';

  constructor(
    private readonly charts: HTMLElement,
    private readonly onChange: () => void,
  ) {}

  start(yaml: string, name: string, experiment: Experiment, paused: boolean): void {
    this.clear(experiment, paused ? 'paused' : 'running', '');
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      this.receive(e.data);
    };
    worker.onerror = (e) => {
      this.fail(e.message || 'the run worker failed');
    };
    this.worker = worker;
    this.post({ type: 'start', runId: this.runId, yaml, name, scale: state.scale, speed: speedOf(state.speed), paused });
    this.onChange();
  }

  post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  pause(): void {
    if (this.state !== 'running') return;
    this.state = 'paused';
    this.post({ type: 'pause' });
    this.onChange();
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.post({ type: 'resume' });
    this.onChange();
  }

  step(): void {
    if (this.state !== 'paused' && this.state !== 'running') return;
    this.state = 'paused';
    this.post({ type: 'step' });
    this.onChange();
  }

  private receive(m: FromWorker): void {
    if (m.runId !== this.runId) return;
    if (m.type === 'started') {
      this.columns = m.columns;
    } else if (m.type === 'frame') {
      for (const row of m.rows) this.rows.push(row);
      for (const e of m.log) this.log.push(e);
      this.nowMs = m.nowMs;
      this.events = m.events;
      this.scheduleDraw(m.paused);
    } else if (m.type === 'done') {
      this.summaryJson = m.summaryJson;
      this.summary = JSON.parse(m.summaryJson) as Summary;
      this.finalEvents = m.events;
      this.nowMs = this.durationMs;
      this.state = 'done';
      this.message = `done in ${(m.wallMs / 1000).toFixed(1)} s of wall time`;
      this.stopWorker();
      this.draw();
    } else if (m.type === 'invalid') {
      this.state = 'invalid';
      this.message = m.message;
      this.stopWorker();
    } else {
      this.fail(m.message);
      return;
    }
    this.onChange();
  }

  private fail(message: string): void {
    this.state = 'error';
    this.message = message;
    this.stopWorker();
    this.onChange();
  }

  /** Refused before it ran (invalid settings): no worker, no charts, no summary, and the reason shown. */
  invalidate(message: string): void {
    this.clear(null, 'invalid', message);
  }

  /** Stops any worker and forgets what it drew: messages of the old run are ignored from here on. */
  private clear(experiment: Experiment | null, state: RunView['state'], message: string): void {
    this.stopWorker();
    this.runId += 1;
    this.experiment = experiment;
    this.durationMs = experiment?.durationMs ?? 1;
    this.columns = [];
    this.rows = [];
    this.log = [];
    this.finalEvents = null;
    this.summaryJson = null;
    this.summary = null;
    this.nowMs = 0;
    this.events = 0;
    this.state = state;
    this.message = message;
    this.clearCharts();
  }

  /** Not running and showing nothing: the comparison switched off. */
  reset(): void {
    this.invalidate('');
    this.state = 'idle';
  }

  stopWorker(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  get progress(): number {
    return Math.min(1, this.nowMs / this.durationMs);
  }

  private scheduleDraw(now: boolean): void {
    const wait = Math.max(REDRAW_MS, 3 * this.drawCost) - (performance.now() - this.lastDraw);
    if (now || wait <= 0) {
      this.draw();
      return;
    }
    if (this.redrawTimer !== null) return;
    this.redrawTimer = window.setTimeout(() => {
      this.redrawTimer = null;
      this.draw();
    }, wait);
  }

  /** The result so far, as the chart builders read a finished one; alerts evaluated on the rows so far. */
  private partialResult(): RunResult {
    const timeseries = { columns: this.columns, rows: this.rows };
    if (this.finalEvents !== null) return { summary: this.summary ?? {}, timeseries, events: this.finalEvents };
    const rules = this.experiment?.alerts ?? [];
    const fired = rules.length === 0 || this.rows.length === 0 ? [] : alertEvents(evaluateAlerts(timeseries, rules));
    const events = [...this.log, ...fired].sort((a, b) => a.atMs - b.atMs);
    return { summary: {}, timeseries, events };
  }

  private draw(): void {
    if (this.redrawTimer !== null) {
      window.clearTimeout(this.redrawTimer);
      this.redrawTimer = null;
    }
    if (this.experiment === null || this.rows.length === 0) return;
    const began = performance.now();
    this.lastDraw = began;
    const specs = runCharts(chartsOf(this.experiment), this.partialResult());
    const id = this.runId;
    const figures = specs.map(({ name, spec }) => {
      let figure = this.charts.querySelector<HTMLElement>(`figure[data-chart="${name}"]`);
      if (figure === null) {
        figure = document.createElement('figure');
        figure.className = 'chart';
        figure.dataset.chart = name;
        figure.innerHTML = '<div class="view"></div><figcaption></figcaption>';
        this.charts.append(figure);
      }
      const caption = figure.querySelector('figcaption');
      if (caption !== null) caption.textContent = `${spec.title === undefined ? name : titleText(spec.title)} (${name})`;
      return { figure, spec };
    });
    void Promise.all(
      figures.map(({ figure, spec }) => {
        const view = figure.querySelector<HTMLElement>('.view') as HTMLElement;
        // The CLI's specs are sized for a page of their own; here each fits its column, legend included.
        const width = Math.max(240, view.clientWidth - 8);
        const config = (spec as { config?: { title?: object } }).config ?? {};
        // A title wider than the fitted chart starts at its left edge and is cut with an ellipsis, not on both sides.
        const fitted = { ...spec, width, autosize: { type: 'fit-x', contains: 'padding' }, config: { ...config, title: { ...config.title, anchor: 'start', limit: width } } };
        return embed(view, fitted as never, { renderer: 'svg', actions: false });
      }),
    ).then((views) => {
      if (id !== this.runId) {
        for (const v of views) v.finalize();
        return;
      }
      for (const v of this.views) v.finalize();
      this.views = views;
      this.drawCost = performance.now() - began;
    });
  }

  private clearCharts(): void {
    for (const v of this.views) v.finalize();
    this.views = [];
    this.charts.replaceChildren();
  }
}

function titleText(title: unknown): string {
  if (typeof title === 'string') return title;
  const text = (title as { text?: unknown } | null)?.text;
  if (Array.isArray(text)) return text.join(' ');
  return typeof text === 'string' ? text : '';
}

/** The experiment's own charts, or the two every fleet has. */
function chartsOf(e: Experiment): Experiment['charts'] {
  const single = e.charts.filter((c) => typeof c === 'string' || 'by-server' in c || 'latency-cdf' in c);
  return single.length > 0 ? single : ['clients', 'connect-outcomes'];
}

const speedOf = (speed: number): number => (speed === 0 ? Infinity : speed);

const runA = new RunView($('charts-a'), render);
const runB = new RunView($('charts-b'), render);

// ---- the page's elements ----

const lessonSelect = typed('lesson', HTMLSelectElement);
for (const l of LESSONS) lessonSelect.add(new Option(l.id, l.id));
const yamlBox = typed('yaml', HTMLTextAreaElement);
const controls = typed('controls', HTMLFormElement);

/** Validates the current text the way the worker will read it; the issues as the CLI prints them. */
function validate(text: string): { ok: true; experiment: Experiment } | { ok: false; message: string } {
  const read = parseExperimentText({ yaml: text, name: fileName() }, PROFILES, { noSweep: true, scale: state.scale, chartNames: chartNames() });
  if (!read.ok) return { ok: false, message: formatIssues(read.issues) };
  const budget = estimateRun(read.experiment);
  if (budget.memoryBytes > BROWSER_BUDGET_BYTES) {
    return {
      ok: false,
      message: `✖ ${fileName()}: this run needs about ${formatBytes(budget.memoryBytes)} (the CLI's estimate); expected at most ${formatBytes(BROWSER_BUDGET_BYTES)} in a browser tab: lower the client scale, or run it with the command below`,
    };
  }
  return { ok: true, experiment: read.experiment };
}

/** Starts (or restarts) the run, and the comparison run beside it. */
function restart(paused = false): void {
  const text = currentText();
  const checked = validate(text);
  if (!checked.ok) {
    runA.invalidate(checked.message);
    runB.reset();
    showErrors(checked.message);
    render();
    return;
  }
  showErrors('');
  runA.start(text, fileName(), checked.experiment, paused);
  if (state.compare === null) runB.reset();
  else {
    const textB = comparedText(text, state.compare);
    const checkedB = validate(textB);
    if (checkedB.ok) runB.start(textB, fileName(), checkedB.experiment, paused);
    else {
      runB.invalidate(checkedB.message);
      showErrors(`comparison (${state.compare}):\n${checkedB.message}`);
    }
  }
  render();
}

/** The compared run's text: this run's with the one knob changed. */
function comparedText(text: string, compare: string): string {
  return state.yaml === null ? applySets(lesson().text, withSet(state.sets, compare)) : applySets(text, [compare]);
}

function showErrors(message: string): void {
  $('yaml-errors').textContent = message;
  yamlBox.setAttribute('aria-invalid', message === '' ? 'false' : 'true');
}

/** The lesson text, the controls and the YAML pane, rebuilt from the state. */
function renderLesson(): void {
  const l = lesson();
  lessonSelect.value = l.id;
  $('lesson-title').textContent = l.id;
  $('question').textContent = l.question;
  $('lookat').textContent = l.lookAt;
  const text = currentText();
  yamlBox.value = text;
  renderControls(text);
  typed('scale', HTMLInputElement).value = String(state.scale);
  const speed = typed('speed', HTMLSelectElement);
  if (![...speed.options].some((o) => o.value === String(state.speed))) speed.add(new Option(`${String(state.speed / 1000)} s per s`, String(state.speed)));
  speed.value = String(state.speed);
  history.replaceState(null, '', encodeState(state));
}

function renderControls(text: string): void {
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch {
    return;
  }
  if (typeof parsed !== 'object' || parsed === null) return;
  const data = parsed as Record<string, unknown>;
  const knobs = knobsOf(data, SCHEMA);
  const original = parse(lesson().text) as Record<string, unknown>;
  const groups = new Map<string, HTMLFieldSetElement>();
  controls.replaceChildren();
  const compareKnob = typed('compare-knob', HTMLSelectElement);
  const comparePath = state.compare?.slice(0, state.compare.indexOf('='));
  compareKnob.replaceChildren();
  for (const knob of knobs) {
    const group = knob.kind === 'variant' ? 'sweep variant' : knob.path.length === 1 ? 'run' : String(knob.path[0]);
    let fieldset = groups.get(group);
    if (fieldset === undefined) {
      fieldset = document.createElement('fieldset');
      const legend = document.createElement('legend');
      legend.textContent = group;
      fieldset.append(legend);
      groups.set(group, fieldset);
      controls.append(fieldset);
    }
    fieldset.append(knobElement(knob, JSON.stringify(getIn(original, knob.path)) !== JSON.stringify(getIn(data, knob.path))));
    const dotted = knob.path.join('.');
    compareKnob.add(new Option(dotted, dotted, false, dotted === comparePath));
  }
  const value = state.compare?.slice(state.compare.indexOf('=') + 1);
  if (value !== undefined) typed('compare-value', HTMLInputElement).value = value;
}

function knobElement(knob: Knob, changed: boolean): HTMLElement {
  const dotted = knob.path.join('.');
  const id = `knob-${dotted.replace(/[^A-Za-z0-9-]/g, '-')}`;
  const div = document.createElement('div');
  div.className = changed ? 'knob changed' : 'knob';
  div.dataset.path = dotted;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = dotted;
  if (knob.doc !== '') label.title = knob.doc;
  const inputs = document.createElement('div');
  inputs.className = 'inputs';
  div.append(label, inputs);
  const commit = (value: unknown): void => {
    setKnob(knob, value);
  };
  if (knob.kind === 'number') {
    const range = document.createElement('input');
    range.type = 'range';
    range.min = String(knob.min);
    range.max = String(knob.max);
    range.step = String(knob.step);
    range.value = String(knob.value);
    range.setAttribute('aria-label', `${dotted} (slider)`);
    const number = document.createElement('input');
    number.type = 'number';
    number.id = id;
    number.step = 'any';
    number.value = String(knob.value);
    range.addEventListener('input', () => {
      number.value = range.value;
    });
    range.addEventListener('change', () => {
      commit(Number(range.value));
    });
    number.addEventListener('change', () => {
      if (number.value.trim() !== '' && Number.isFinite(Number(number.value))) commit(Number(number.value));
    });
    inputs.append(range, number);
  } else if (knob.kind === 'boolean') {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = id;
    box.checked = knob.value;
    box.addEventListener('change', () => {
      commit(box.checked);
    });
    inputs.append(box);
  } else {
    const select = document.createElement('select');
    select.id = id;
    for (const o of knob.options) {
      const option = new Option(o.label, o.value, false, o.value === knob.value);
      if ('doc' in o) option.title = o.doc ?? '';
      select.add(option);
    }
    select.addEventListener('change', () => {
      if (knob.kind === 'variant') commit(knob.options.find((o) => o.value === select.value)?.set);
      else commit(select.value);
    });
    inputs.append(select);
  }
  return div;
}

/** A knob turned: a --set for its path (a strategy switched starts from the registry's defaults). */
function setKnob(knob: Knob, value: unknown): void {
  const v = knob.kind === 'select' && knob.strategy && typeof getIn(parse(currentText()), knob.path) === 'object' ? { [String(value)]: {} } : value;
  const flag = setFlag(knob.path, v);
  if (state.yaml !== null) state = { ...state, yaml: applySets(state.yaml, [flag]) };
  else state = { ...state, sets: withSet(state.sets, flag) };
  renderLesson();
  restart();
}

// ---- rendering the run's state ----

function render(): void {
  const a = runA;
  const status = typed('status', HTMLOutputElement);
  const shown = a.state === 'invalid' || a.state === 'error' ? a.message.split('\n')[0] ?? a.state : a.message || a.state;
  status.textContent = a.state === 'done' ? `done: ${shown}` : shown;
  status.dataset.state = a.state;
  typed('progress', HTMLProgressElement).value = a.progress;
  $('clock').textContent = `${(a.nowMs / 1000).toFixed(0)} s of ${(a.state === 'invalid' ? 0 : a.durationMs / 1000).toFixed(0)} s virtual, ${human(a.events)} events`;
  typed('play', HTMLButtonElement).textContent = a.state === 'running' ? 'Pause' : 'Play';
  $('column-b').hidden = state.compare === null;
  $('title-b').textContent = state.compare === null ? 'Compared run' : `Compared run: ${state.compare}`;
  $('command').textContent = commandText();
  $('summary-json').textContent = a.summaryJson ?? '';
  $('summary-json-b').textContent = state.compare === null ? '' : (runB.summaryJson ?? '');
  renderSummary();
}

function renderSummary(): void {
  const table = typed('summary', HTMLTableElement);
  const head = table.tHead as HTMLTableSectionElement;
  const body = table.tBodies[0] as HTMLTableSectionElement;
  const a = runA.summary;
  const b = state.compare === null ? null : runB.summary;
  head.innerHTML = '';
  body.replaceChildren();
  if (a === null) return;
  const hr = head.insertRow();
  for (const h of ['metric', 'this run', ...(b === null ? [] : [state.compare ?? 'compared'])]) {
    const th = document.createElement('th');
    th.textContent = h;
    hr.append(th);
  }
  for (const [key, label] of HEADLINE) {
    const va = a[key];
    if (typeof va !== 'number') continue;
    const row = body.insertRow();
    row.insertCell().textContent = label;
    row.insertCell().textContent = human(va);
    if (b !== null) {
      const vb = b[key];
      row.insertCell().textContent = typeof vb === 'number' ? human(vb) : '–';
      if (vb !== va) row.className = 'differs';
    }
  }
}

function commandText(): string {
  const l = lesson();
  if (state.yaml !== null) return `# download the experiment, then:\n${runCommand(fileName(), l.sweep, [], state.scale)}`;
  return runCommand(l.file, l.sweep, state.sets, state.scale);
}

// ---- wiring ----

lessonSelect.addEventListener('change', () => {
  state = { ...state, lesson: lessonSelect.value, sets: [], yaml: null, compare: null };
  renderLesson();
  restart(true);
});

$('play').addEventListener('click', () => {
  if (runA.state === 'running') {
    runA.pause();
    runB.pause();
  } else if (runA.state === 'paused') {
    runA.resume();
    runB.resume();
  } else restart();
});

$('step').addEventListener('click', () => {
  if (runA.state !== 'paused' && runA.state !== 'running') restart(true);
  runA.step();
  runB.step();
});

$('restart').addEventListener('click', () => {
  restart();
});

typed('speed', HTMLSelectElement).addEventListener('change', (e) => {
  state = { ...state, speed: Number((e.target as HTMLSelectElement).value) };
  history.replaceState(null, '', encodeState(state));
  for (const r of [runA, runB]) r.post({ type: 'speed', speed: speedOf(state.speed) });
});

typed('scale', HTMLInputElement).addEventListener('change', (e) => {
  const scale = Number((e.target as HTMLInputElement).value);
  if (!(scale > 0 && scale <= 1000)) {
    showErrors(`✖ --scale: expected a number above 0 and at most 1000, e.g. 0.1, got '${(e.target as HTMLInputElement).value}'`);
    return;
  }
  state = { ...state, scale };
  renderLesson();
  restart();
});

$('apply-yaml').addEventListener('click', () => {
  const text = yamlBox.value;
  const checked = validate(text);
  if (!checked.ok) {
    showErrors(checked.message);
    return;
  }
  state = { ...state, yaml: text === applySets(lesson().text, state.sets) ? null : text, sets: text === applySets(lesson().text, state.sets) ? state.sets : [] };
  renderLesson();
  restart();
});

// Validate as the user types, without starting anything.
let typing: number | null = null;
yamlBox.addEventListener('input', () => {
  if (typing !== null) window.clearTimeout(typing);
  typing = window.setTimeout(() => {
    const checked = validate(yamlBox.value);
    showErrors(checked.ok ? '' : checked.message);
  }, 300);
});

$('download').addEventListener('click', () => {
  const url = URL.createObjectURL(new Blob([currentText()], { type: 'application/yaml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName();
  link.click();
  URL.revokeObjectURL(url);
});

$('copy-command').addEventListener('click', () => {
  const text = commandText();
  // Refused without a user gesture or on an insecure origin; the command stays shown to copy by hand.
  void navigator.clipboard.writeText(text).catch(() => undefined);
  $('command').textContent = text;
});

$('compare').addEventListener('click', () => {
  const path = typed('compare-knob', HTMLSelectElement).value;
  const value = typed('compare-value', HTMLInputElement).value.trim();
  if (path === '' || value === '') {
    showErrors('✖ compare: expected a knob and a value, e.g. fleet.servers and 12');
    return;
  }
  const compare = `${path}=${value}`;
  const checked = validate(comparedText(currentText(), compare));
  if (!checked.ok) {
    showErrors(`comparison (${compare}):\n${checked.message}`);
    return;
  }
  state = { ...state, compare };
  renderLesson();
  restart();
});

$('compare-off').addEventListener('click', () => {
  state = { ...state, compare: null };
  renderLesson();
  restart();
});

// Space plays and pauses, "." steps, when the focus is not in a field that takes those keys.
document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement;
  if (e.ctrlKey || e.metaKey || e.altKey || target.closest('input, textarea, select, button, summary') !== null) return;
  if (e.key === ' ') {
    e.preventDefault();
    $('play').click();
  } else if (e.key === '.') {
    $('step').click();
  }
});

window.addEventListener('hashchange', () => {
  const next = decodeState(location.hash, defaultLesson);
  if (encodeState(next) === encodeState(state)) return;
  state = lessonById(next.lesson) === undefined ? { ...next, lesson: defaultLesson } : next;
  renderLesson();
  restart(true);
});

renderLesson();
restart(true);


/**
 * Progress lines for long work (the count pass over a large dataset, explanations against a slow
 * model): now and then one line that says what is being done, how far it is, and roughly how long
 * is left. The first line comes only once the interval has passed, so a short run prints nothing
 * more than it did without progress; a phase that has printed a line closes with its final state.
 */

/** Where progress lines go and how often: the CLI writes them to stderr, the container to its log. */
export interface ProgressSettings {
  /** Receives each line, without a line break. */
  readonly write: (line: string) => void;
  /** Seconds between lines at least, and before the first (0: a line at each step, for tests). */
  readonly intervalSeconds: number;
  /** Milliseconds on a monotonic clock (default `performance.now`); tests give a fake one. */
  readonly now?: () => number;
}

/** The default interval between progress lines. */
export const DEFAULT_PROGRESS_SECONDS = 10;

/** How a phase's amount is counted and said: bytes read (`4.1 GB of 10.0 GB read`) or items (`1,200 of 5,000 rows explained`). */
export type ProgressUnit =
  | { readonly kind: "bytes"; readonly verb: string }
  | { readonly kind: "items"; readonly noun: string; readonly verb: string };

/** Where a phase stands now: how much is done, and a note said after the fraction (e.g. model evaluations). */
export interface ProgressState {
  readonly done: number;
  readonly note?: string;
}

export interface PhaseSpec {
  /** What is being done, the line's start: `counting rows`. */
  readonly name: string;
  readonly unit: ProgressUnit;
  /** The amount the phase ends at (bytes of the dataset, rows to explain). */
  readonly total: number;
  /** Where the phase stands; called only when a line is due, so it may sum shared counters. */
  readonly measure: () => ProgressState;
}

/**
 * While the calling thread is busy (counting on this thread), the phase reports when its work
 * calls `tick`; while it awaits other threads, a timer that keeps no process alive calls it.
 */
const TIMER_LEAST_MS = 50;
const TIMER_MOST_MS = 1000;

export class ProgressPhase {
  private readonly settings: ProgressSettings;
  private readonly spec: PhaseSpec;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly started: number;
  private lastLine: number | undefined;
  private lastDone = -1;
  private ended = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(settings: ProgressSettings, spec: PhaseSpec) {
    this.settings = settings;
    this.spec = spec;
    this.now = settings.now ?? (() => performance.now());
    this.intervalMs = settings.intervalSeconds * 1000;
    this.started = this.now();
  }

  /** Starts a phase with a timer that reports while this thread waits for others. */
  static started(settings: ProgressSettings, spec: PhaseSpec): ProgressPhase {
    const phase = new ProgressPhase(settings, spec);
    phase.timer = setInterval(
      () => phase.tick(),
      Math.min(TIMER_MOST_MS, Math.max(TIMER_LEAST_MS, phase.intervalMs)),
    );
    phase.timer.unref();
    return phase;
  }

  /** Writes a line when the interval has passed since the phase started and since the last line. */
  tick(): void {
    if (this.ended) return;
    const now = this.now();
    if (now - this.started < this.intervalMs) return;
    if (this.lastLine !== undefined && now - this.lastLine < this.intervalMs) return;
    this.lastLine = now;
    const state = this.spec.measure();
    this.lastDone = state.done;
    this.settings.write(progressLine(this.spec, state, now - this.started));
  }

  /**
   * Ends the phase: when it has written a line and its last one did not show this state, a line
   * with the final state (no estimate); nothing after.
   */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.lastLine === undefined) return;
    const state = this.spec.measure();
    if (state.done === this.lastDone) return;
    this.settings.write(progressLine(this.spec, state, this.now() - this.started, false));
  }
}

/**
 * `counting rows: 4.1 GB of 10.0 GB read (41 %), 12 s, about 17 s left`; the estimate assumes the
 * rest goes as fast as what is done, and is left out before anything is done and once all is.
 */
export function progressLine(
  spec: Pick<PhaseSpec, "name" | "unit" | "total">,
  state: ProgressState,
  elapsedMs: number,
  estimate = true,
): string {
  const { unit, total } = spec;
  const done = Math.min(state.done, total);
  const amount =
    unit.kind === "bytes"
      ? `${byteAmount(done)} of ${byteAmount(total)} ${unit.verb}`
      : `${wholeAmount(done)} of ${wholeAmount(total)} ${unit.noun} ${unit.verb}`;
  const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
  const note = state.note === undefined ? "" : `, ${state.note}`;
  const left =
    estimate && done > 0 && done < total
      ? `, about ${duration((elapsedMs * (total - done)) / done)} left`
      : "";
  return `${spec.name}: ${amount} (${percent} %)${note}, ${duration(elapsedMs)}${left}`;
}

/** Bytes in decimal units with one decimal: `812 B`, `4.1 kB`, `10.0 GB`. */
export function byteAmount(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `1,234,567`, as the CLI writes model evaluations. */
export function wholeAmount(count: number): string {
  return Math.round(count).toLocaleString("en-US");
}

/** `12 s`, `3 min 5 s`, `2 h 10 min`: whole seconds, as far as they matter. */
export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * The count pass's progress: bytes of the dataset read, across every thread that counts. Each
 * thread adds the bytes of each chunk it reads to its own slot of shared counters; this thread
 * sums them when a line is due, from its own reads or, while it awaits the workers, from the
 * phase's timer.
 */
import type { ReadMeter } from "../io/read-meter.ts";
import { ProgressPhase, type ProgressSettings } from "./progress-reporter.ts";
import { type CounterSlot, SharedCounters, slotMeter } from "./shared-counters.ts";

/** What the count pass reports and where. */
export interface CountProgressOptions {
  readonly settings: ProgressSettings;
  /** The phase's name: `counting rows`, `counting rows again` for a second pass. */
  readonly name: string;
}

export const COUNTING_ROWS = "counting rows";
/**
 * A pass over the rows after the first: the recount of mixed columns or cast predictions
 * (run-bias-analysis.ts), or a count whose quick cuts fell inside quotes (parallel-counts.ts).
 * It reports as a phase of its own, from nothing read again.
 */
export const COUNTING_ROWS_AGAIN = "counting rows again";

export class CountProgress {
  private readonly counters: SharedCounters;
  private readonly phase: ProgressPhase;

  private constructor(counters: SharedCounters, phase: ProgressPhase) {
    this.counters = counters;
    this.phase = phase;
  }

  /** A pass over `bytes` of dataset on `threads` threads (slot 0: this one). */
  static start(options: CountProgressOptions, bytes: number, threads: number): CountProgress {
    const counters = new SharedCounters(Math.max(1, threads));
    const phase = ProgressPhase.started(options.settings, {
      name: options.name,
      unit: { kind: "bytes", verb: "read" },
      total: bytes,
      measure: () => ({ done: counters.sum() }),
    });
    return new CountProgress(counters, phase);
  }

  /** The slot a worker thread's job adds to. */
  slot(thread: number): CounterSlot {
    return this.counters.slot(thread);
  }

  /** The meter of this thread's reader: adds to slot 0 and writes a line when one is due. */
  meterHere(): ReadMeter {
    return slotMeter(this.counters.slot(0), () => this.phase.tick());
  }

  /** Called when this thread reads: writes a line when one is due. */
  readonly tick = (): void => this.phase.tick();

  end(): void {
    this.phase.end();
  }
}

/**
 * One pass over `bytes` of dataset on `threads` threads, reported as a phase when `options` are
 * given (`count` gets it; undefined otherwise); the phase ends however the pass ends.
 */
export async function withCountProgress<T>(
  options: CountProgressOptions | undefined,
  bytes: number,
  threads: number,
  count: (phase: CountProgress | undefined) => T | Promise<T>,
): Promise<T> {
  const phase = options && CountProgress.start(options, bytes, threads);
  try {
    return await count(phase);
  } finally {
    phase?.end();
  }
}

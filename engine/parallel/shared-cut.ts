import type { FilePart } from "../io/table-reader.ts";
import { quickCuts } from "./split-csv.ts";

/** Slots of the shared state (Int32Array over the shared buffer). */
const READY = 0;
const DECIDED = 1;
/** Float64 slots after the two Int32 ones: the part the cut is in, its offset in the file. */
const CUT_PART = 1;
const CUT_AT = 2;

/**
 * The cut between two threads that share one run of a CSV's rows, placed when the second starts
 * rather than beforehand: this thread counts the run from its start at once; the worker thread,
 * once it has started (its start-up takes some 30 to 65 ms of CPU, more on a busy machine), says
 * so and waits; at its next read (every 1 MiB) this thread places the cut at the first line feed
 * after the middle of what it has not read yet (less `afterCountBytes`, what this thread still
 * does once it has counted), stops there, and the worker counts from the cut to the run's end.
 * So a worker that starts late counts less, and neither thread waits for the other to count.
 *
 * Only this thread places the cut, before it reads past it: the worker never races it. The cut
 * is a line feed taken without looking at quotes, like the quick cuts of split-csv.ts, and is
 * checked the same way (its quote bytes) once both have counted. If the worker does not start
 * before this thread reaches the run's end, the cut is the end and the worker counts nothing.
 *
 * The state is a SharedArrayBuffer sent with the worker's job: `SharedCut.over` on this thread,
 * `SharedCut.of` on the worker's.
 */
export class SharedCut {
  readonly parts: readonly FilePart[];
  readonly shared: SharedArrayBuffer;
  private readonly flags: Int32Array;
  private readonly cut: Float64Array;
  private readonly afterCountBytes: number;

  private constructor(parts: readonly FilePart[], shared: SharedArrayBuffer, afterCountBytes: number) {
    this.parts = parts;
    this.shared = shared;
    this.flags = new Int32Array(shared, 0, 2);
    this.cut = new Float64Array(shared, 0, 3);
    this.afterCountBytes = afterCountBytes;
  }

  /** A new cut over the run `parts` (this thread's side). */
  static over(parts: readonly FilePart[], afterCountBytes = 0): SharedCut {
    return new SharedCut(parts, new SharedArrayBuffer(24), afterCountBytes);
  }

  /** The cut a job was sent with (the worker's side). */
  static of(parts: readonly FilePart[], shared: SharedArrayBuffer): SharedCut {
    return new SharedCut(parts, shared, 0);
  }

  /**
   * This thread, before it reads part `part` from `filePos`: where that part ends for it now
   * (the cut, once placed in it). Places the cut when the worker has started.
   */
  endOf(part: number, filePos: number): number {
    if (Atomics.load(this.flags, DECIDED) === 0 && Atomics.load(this.flags, READY) === 1) {
      this.place(part, filePos);
    }
    const end = (this.parts[part] as FilePart).end;
    if (Atomics.load(this.flags, DECIDED) === 0) return end;
    return this.cut[CUT_PART] === part ? (this.cut[CUT_AT] as number) : end;
  }

  /** This thread: whether it reads part `part` (no part after the cut's). */
  reads(part: number): boolean {
    return Atomics.load(this.flags, DECIDED) === 0 || part <= (this.cut[CUT_PART] as number);
  }

  /** This thread, once it has counted: the cut is the run's end if it was not placed before. */
  finish(): void {
    if (Atomics.load(this.flags, DECIDED) === 0) this.decide(this.parts.length, 0);
  }

  /** This thread's parts, once it has counted (the run up to the cut). */
  firstParts(): FilePart[] {
    const part = this.cut[CUT_PART] as number;
    const at = this.cut[CUT_AT] as number;
    const before = this.parts.slice(0, Math.min(part, this.parts.length));
    const cutPart = this.parts[part];
    return cutPart && at > cutPart.start ? [...before, { ...cutPart, end: at }] : before;
  }

  /** The worker's parts (the run from the cut), once the cut is placed. */
  secondParts(): FilePart[] {
    const part = this.cut[CUT_PART] as number;
    const at = this.cut[CUT_AT] as number;
    const cutPart = this.parts[part];
    if (cutPart === undefined) return [];
    const after = this.parts.slice(part + 1);
    return at < cutPart.end ? [{ ...cutPart, start: at }, ...after] : after;
  }

  /** The worker: says it has started (this thread places the cut at its next read). */
  announce(): void {
    Atomics.store(this.flags, READY, 1);
  }

  /** The worker: says it has started and waits for the cut; its parts. */
  waitForCut(): FilePart[] {
    this.announce();
    Atomics.wait(this.flags, DECIDED, 0);
    return this.secondParts();
  }

  /** The cut at the first line feed after the middle of what this thread has not read yet. */
  private place(part: number, filePos: number): void {
    const left = (this.parts[part] as FilePart).end - filePos;
    const later = this.parts.slice(part + 1).reduce((sum, p) => sum + p.end - p.start, 0);
    let share = Math.max(0, Math.floor((left + later - this.afterCountBytes) / 2));
    let at = part;
    let from = filePos;
    for (;;) {
      const current = this.parts[at] as FilePart;
      if (share < current.end - from || at === this.parts.length - 1) break;
      share -= current.end - from;
      at++;
      from = (this.parts[at] as FilePart).start;
    }
    const current = this.parts[at] as FilePart;
    const wanted = Math.min(from + share, current.end);
    const [cut] = wanted >= current.end ? [] : quickCuts(current.path, [wanted], current.end);
    this.decide(at, cut ?? current.end);
  }

  private decide(part: number, at: number): void {
    this.cut[CUT_PART] = part;
    this.cut[CUT_AT] = at;
    Atomics.store(this.flags, DECIDED, 1);
    Atomics.notify(this.flags, DECIDED);
  }
}

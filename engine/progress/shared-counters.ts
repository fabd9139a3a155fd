import type { ReadMeter } from "../io/read-meter.ts";

/**
 * Counters that worker threads add to and the thread reporting progress reads: one slot per
 * thread in a SharedArrayBuffer, written with Atomics, so no message is needed for progress.
 * Slots are 64-bit: a 100 GB dataset's bytes do not fit 32 bits.
 */

/** A counter slot as it travels to a worker thread in its job. */
export interface CounterSlot {
  readonly counters: SharedArrayBuffer;
  readonly slot: number;
}

export class SharedCounters {
  readonly buffer: SharedArrayBuffer;
  private readonly slots: BigInt64Array;

  constructor(slots: number) {
    this.buffer = new SharedArrayBuffer(8 * slots);
    this.slots = new BigInt64Array(this.buffer);
  }

  /** Slot `slot` of these counters, for a job sent to a worker. */
  slot(slot: number): CounterSlot {
    if (slot < 0 || slot >= this.slots.length) throw new RangeError(`no counter slot ${slot}`);
    return { counters: this.buffer, slot };
  }

  /** The sum of every slot: each only grows, so later sums are never smaller. */
  sum(): number {
    let sum = 0n;
    for (let i = 0; i < this.slots.length; i++) sum += Atomics.load(this.slots, i);
    return Number(sum);
  }
}

/** Adds to one slot (on any thread). */
export function counterAdder(slot: CounterSlot): (amount: number) => void {
  const slots = new BigInt64Array(slot.counters);
  const index = slot.slot;
  return (amount) => {
    Atomics.add(slots, index, BigInt(amount));
  };
}

/**
 * A reader's meter that adds each chunk's bytes to a slot, then calls `onRead` (the thread that
 * reports progress checks whether a line is due; a worker thread passes none).
 */
export function slotMeter(slot: CounterSlot, onRead?: () => void): ReadMeter {
  const add = counterAdder(slot);
  return {
    read: onRead
      ? (bytes) => {
          add(bytes);
          onRead();
        }
      : add,
  };
}

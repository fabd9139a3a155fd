/**
 * loadInOrder: yields every item's load in the items' order, keeps at most `window` loads under
 * way or unconsumed, and passes a failed load on where it is consumed.
 */
import { describe, expect, it } from "vitest";
import { loadInOrder } from "../../../../engine/merge/load-in-order.ts";

/** Loads that finish when told, recording how many are started and not yet consumed. */
function gatedLoads() {
  const resolvers = new Map<number, (value: string) => void>();
  const state = { started: 0, consumed: 0, mostAhead: 0 };
  const load = (item: string, index: number) => {
    state.started++;
    state.mostAhead = Math.max(state.mostAhead, state.started - state.consumed);
    return new Promise<string>((resolve) => resolvers.set(index, () => resolve(item.toUpperCase())));
  };
  return { load, state, finish: (index: number) => resolvers.get(index)?.("") };
}

describe("loadInOrder", () => {
  it("yields the loads in the items' order whichever finishes first, never more than the window ahead", async () => {
    // Prepare
    const items = ["a", "b", "c", "d", "e", "f", "g"];
    const { load, state, finish } = gatedLoads();
    const seen: string[] = [];

    // Act: finish the loads last to first, as far as started.
    const consuming = (async () => {
      for await (const value of loadInOrder(items, load, 3)) {
        seen.push(value);
        state.consumed++;
      }
    })();
    for (let round = 0; round < 20 && seen.length < items.length; round++) {
      for (let index = state.started - 1; index >= 0; index--) finish(index);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await consuming;

    // Assess
    expect(seen).toEqual(["A", "B", "C", "D", "E", "F", "G"]);
    // The window's 3 loads under way, besides the value handed to the consumer.
    expect(state.mostAhead).toBe(3 + 1);
  });

  it("rejects where the failed load is consumed, after the values before it", async () => {
    // Prepare
    const seen: number[] = [];
    const load = async (item: number) => {
      if (item === 2) throw new Error("item 2 is unreadable");
      return item * 10;
    };

    // Act
    const act = (async () => {
      for await (const value of loadInOrder([0, 1, 2, 3], load, 2)) seen.push(value);
    })();

    // Assess
    await expect(act).rejects.toThrow("item 2 is unreadable");
    expect(seen).toEqual([0, 10]);
  });

  it("refuses a window of less than one load", async () => {
    // Act
    const act = loadInOrder([1], async (x) => x, 0).next();
    // Assess
    await expect(act).rejects.toThrow("the look-ahead window must be a whole number of at least 1, got 0");
  });
});

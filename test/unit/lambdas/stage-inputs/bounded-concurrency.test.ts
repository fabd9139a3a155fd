import { describe, expect, it } from "vitest";
import { mapWithConcurrency } from "../../../../lambdas/stage-inputs/bounded-concurrency.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("mapWithConcurrency", () => {
  it("keeps the input order and never exceeds the limit", async () => {
    // Prepare
    const items = Array.from({ length: 20 }, (_, index) => index);
    let inFlight = 0;
    let peak = 0;

    // Act
    const results = await mapWithConcurrency(items, 3, async (item) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick();
      inFlight--;
      return item * 2;
    });

    // Assess
    expect(results).toEqual(items.map((item) => item * 2));
    expect(peak).toBe(3);
  });

  it("rejects with the first failure and starts no new task after it", async () => {
    // Prepare
    const started: number[] = [];

    // Act
    const act = mapWithConcurrency([0, 1, 2, 3, 4, 5], 1, async (item) => {
      started.push(item);
      if (item === 2) throw new Error("boom at 2");
      return item;
    });

    // Assess
    await expect(act).rejects.toThrow("boom at 2");
    expect(started).toEqual([0, 1, 2]);
  });

  it("rejects a limit below one", async () => {
    // Prepare
    const items = [1];

    // Act
    const act = mapWithConcurrency(items, 0, async (item) => item);

    // Assess
    await expect(act).rejects.toThrow("concurrency limit must be a positive integer, got 0");
  });
});

import { describe, expect, it } from "vitest";
import {
  byteAmount,
  duration,
  type PhaseSpec,
  ProgressPhase,
  progressLine,
} from "../../../../engine/progress/progress-reporter.ts";

/** A phase on a clock the test moves, over 10 GB, whose bytes done the test sets. */
function fakePhase(intervalSeconds: number) {
  let now = 1_000;
  let done = 0;
  const lines: string[] = [];
  const spec: PhaseSpec = {
    name: "counting rows",
    unit: { kind: "bytes", verb: "read" },
    total: 10e9,
    measure: () => ({ done }),
  };
  const phase = new ProgressPhase(
    { write: (line) => lines.push(line), intervalSeconds, now: () => now },
    spec,
  );
  return {
    phase,
    lines,
    at: (seconds: number, bytes: number) => {
      now = 1_000 + seconds * 1000;
      done = bytes;
      phase.tick();
    },
  };
}

describe("ProgressPhase", () => {
  it("writes nothing before the interval has passed, so a short phase prints nothing", () => {
    // Prepare
    const { phase, lines, at } = fakePhase(10);

    // Act
    at(1, 1e9);
    at(9.9, 9e9);
    phase.end();

    // Assess
    expect(lines).toEqual([]);
  });

  it("writes at most one line per interval, with the fraction done, the time taken and an estimate", () => {
    // Prepare
    const { lines, at } = fakePhase(10);

    // Act: steps every 2 s over 30 s, 0.25 GB a second
    for (let second = 2; second <= 30; second += 2) at(second, second * 0.25e9);

    // Assess: a line at 10, 20 and 30 s, each estimating the rest at the pace so far
    expect(lines).toEqual([
      "counting rows: 2.5 GB of 10.0 GB read (25 %), 10 s, about 30 s left",
      "counting rows: 5.0 GB of 10.0 GB read (50 %), 20 s, about 20 s left",
      "counting rows: 7.5 GB of 10.0 GB read (75 %), 30 s, about 10 s left",
    ]);
  });

  it("closes a phase that has written a line with its final state, and writes nothing after", () => {
    // Prepare
    const { phase, lines, at } = fakePhase(10);
    at(12, 4.1e9);

    // Act
    at(31, 10e9 - 1);
    const before = lines.length;
    at(31.5, 10e9);
    phase.end();
    at(60, 10e9);
    phase.end();

    // Assess: the final line has no estimate; nothing follows it
    expect(before).toBe(2);
    expect(lines).toEqual([
      "counting rows: 4.1 GB of 10.0 GB read (41 %), 12 s, about 17 s left",
      "counting rows: 10.0 GB of 10.0 GB read (99 %), 31 s, about 0 s left",
      "counting rows: 10.0 GB of 10.0 GB read (100 %), 32 s",
    ]);
  });

  it("does not repeat the final state when the last line already showed it", () => {
    // Prepare
    const { phase, lines, at } = fakePhase(10);
    at(15, 10e9);

    // Act
    phase.end();

    // Assess
    expect(lines).toEqual(["counting rows: 10.0 GB of 10.0 GB read (100 %), 15 s"]);
  });

  it("writes a line at each step with interval 0", () => {
    // Prepare
    const { lines, at } = fakePhase(0);

    // Act
    at(0, 0);
    at(0, 1e9);
    at(0.5, 2e9);

    // Assess: no estimate before anything is done
    expect(lines).toEqual([
      "counting rows: 0 B of 10.0 GB read (0 %), 0 s",
      "counting rows: 1.0 GB of 10.0 GB read (10 %), 0 s, about 0 s left",
      "counting rows: 2.0 GB of 10.0 GB read (20 %), 1 s, about 2 s left",
    ]);
  });
});

describe("progressLine", () => {
  it("says items with their noun and a note after the fraction", () => {
    // Prepare
    const spec = {
      name: "explaining rows",
      unit: { kind: "items", noun: "rows", verb: "explained" },
      total: 5000,
    } as const;

    // Act
    const line = progressLine(spec, { done: 1200, note: "1,234,000 model evaluations" }, 125_000);

    // Assess
    expect(line).toBe(
      "explaining rows: 1,200 of 5,000 rows explained (24 %), 1,234,000 model evaluations, 2 min 5 s, about 6 min 36 s left",
    );
  });

  it("says sizes in decimal units and durations in whole seconds, minutes or hours", () => {
    // Prepare
    const bytes = [0, 999, 1000, 4_100_000, 999_960, 10e9, 2.5e12];
    const times = [0, 59_400, 60_000, 3_599_000, 7_800_000];

    // Act
    const said = [bytes.map(byteAmount), times.map(duration)];

    // Assess
    expect(said).toEqual([
      ["0 B", "999 B", "1.0 kB", "4.1 MB", "1.0 MB", "10.0 GB", "2.5 TB"],
      ["0 s", "59 s", "1 min 0 s", "59 min 59 s", "2 h 10 min"],
    ]);
  });
});

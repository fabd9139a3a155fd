/**
 * `npm run bench:intervals`: what the bootstrap intervals (every count metric, 1,000 resamples,
 * the bench config's three facets and group variable) add to analyze() on 1,000,000 rows.
 * Runs alternate with and without intervals, each in a fresh Node process; medians of 5.
 * Not a timed test.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { generateBenchData } from "./generate-bench-data.ts";
import { median } from "./median.ts";

const ROWS = 1_000_000;
const RUNS = 5;
const dataDir = join(import.meta.dirname, "data");
const config = join(import.meta.dirname, "bench-config.json");
const file = join(dataDir, `credit-${ROWS}.csv`);

mkdirSync(dataDir, { recursive: true });
if (!existsSync(file)) {
  process.stderr.write(`generating ${file}\n`);
  await generateBenchData(ROWS, file);
}
const seconds = (mode: string): number => {
  const output = execFileSync(
    process.execPath,
    [join(import.meta.dirname, "engine-run.ts"), file, config, mode],
    {
      encoding: "utf8",
    },
  );
  return (JSON.parse(output) as { seconds: number }).seconds;
};
const without: number[] = [];
const withIntervals: number[] = [];
for (let run = 0; run < RUNS; run++) {
  without.push(seconds("no-intervals"));
  withIntervals.push(seconds("intervals"));
  process.stderr.write(
    `run ${run + 1}: ${without.at(-1)?.toFixed(3)} s without, ${withIntervals.at(-1)?.toFixed(3)} s with intervals\n`,
  );
}
const base = median(without);
const full = median(withIntervals);
process.stdout.write(
  `${[
    "| 1,000,000 rows | seconds (median of 5) |",
    "|---|---:|",
    `| analyze, no intervals | ${base.toFixed(3)} |`,
    `| analyze + intervals (1,000 resamples) | ${full.toFixed(3)} |`,
    `| added by the intervals | ${(((full - base) / base) * 100).toFixed(1)} % |`,
  ].join("\n")}\n`,
);

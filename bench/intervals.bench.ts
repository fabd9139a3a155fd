/**
 * `npm run bench:intervals`: what the bootstrap intervals (every count metric, 1,000 resamples,
 * the bench config's three facets and group variable) add to analyze() on 1,000,000 rows.
 * Runs alternate with and without intervals, each in a fresh Node process; medians of 5. On a
 * shared machine the two medians move with its load, so the bootstrap is also timed on its own
 * (in this process, on the 1,000,000-row count tables): that is its cost, whatever the load.
 * Not a timed test.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { intervalSettings } from "../engine/analyze.ts";
import { parseAnalysisConfig } from "../engine/config/parse-analysis-config.ts";
import { bootstrapIntervals } from "../engine/intervals/bootstrap-intervals.ts";
import { runBiasAnalysis } from "../engine/run-bias-analysis.ts";
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

const { config: parsed } = parseAnalysisConfig(
  JSON.parse(readFileSync(config, "utf8")) as Record<string, unknown>,
);
if (!parsed) throw new Error(`${config} is not a valid analysis config`);
const { analysis, tables } = runBiasAnalysis(parsed, file);
const bootstrapSeconds: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  bootstrapIntervals(analysis, tables, intervalSettings({}));
  bootstrapSeconds.push((performance.now() - started) / 1000);
}
const bootstrap = median(bootstrapSeconds);
process.stdout.write(
  `${[
    "| 1,000,000 rows | seconds (median of 5) |",
    "|---|---:|",
    `| analyze, no intervals | ${base.toFixed(3)} |`,
    `| analyze + intervals (1,000 resamples) | ${full.toFixed(3)} |`,
    `| added by the intervals (difference of the medians) | ${(((full - base) / base) * 100).toFixed(1)} % |`,
    `| the bootstrap alone (every count metric, in-process) | ${bootstrap.toFixed(3)} s = ${((bootstrap / base) * 100).toFixed(1)} % of analyze |`,
  ].join("\n")}\n`,
);

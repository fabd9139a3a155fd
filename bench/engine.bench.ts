/**
 * `npm run bench:engine`: the local engine on 1M and 5M generated rows (all pre- and
 * post-training metrics except FT). Each measurement runs in a fresh Node process so that its
 * peak RSS is independent; the table shows medians of 3 runs. Not a timed test.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { generateBenchData } from "./generate-bench-data.ts";
import { median } from "./median.ts";

const SIZES = [1_000_000, 5_000_000];
const RUNS = 3;
const dataDir = join(import.meta.dirname, "data");
const config = join(import.meta.dirname, "bench-config.json");
const node = process.execPath;

interface Measurement {
  seconds: number;
  maxRssMB: number;
  rows: number;
}

mkdirSync(dataDir, { recursive: true });
const lines = [
  "| rows | file MB | seconds (median) | rows/s | peak RSS MB (median) |",
  "|---:|---:|---:|---:|---:|",
];
for (const size of SIZES) {
  const file = join(dataDir, `credit-${size}.csv`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file}\n`);
    await generateBenchData(size, file);
  }
  const runs: Measurement[] = [];
  for (let run = 0; run < RUNS; run++) {
    const output = execFileSync(node, [join(import.meta.dirname, "engine-run.ts"), file, config], {
      encoding: "utf8",
    });
    const measurement = JSON.parse(output) as Measurement;
    process.stderr.write(
      `${size} rows, run ${run + 1}: ${measurement.seconds.toFixed(3)} s, ${measurement.maxRssMB.toFixed(0)} MB\n`,
    );
    runs.push(measurement);
  }
  const seconds = median(runs.map((r) => r.seconds));
  const rss = median(runs.map((r) => r.maxRssMB));
  const mb = statSync(file).size / 1e6;
  lines.push(
    `| ${size.toLocaleString("en")} | ${mb.toFixed(0)} | ${seconds.toFixed(3)} | ${Math.round(size / seconds).toLocaleString("en")} | ${rss.toFixed(0)} |`,
  );
}
process.stdout.write(`${lines.join("\n")}\n`);

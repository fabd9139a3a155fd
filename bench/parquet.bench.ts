/**
 * `npm run bench:parquet`: reading 1,000,000 generated rows as CSV and as Parquet (snappy,
 * row groups of 100,000 rows, written from the same CSV by test/support/parquet-writer.ts):
 * first the row source alone (every field of every row), then analyze() with the engine
 * benchmark's config. Each measurement runs in a fresh Node process; medians of 3 runs, in wall
 * and CPU seconds (the CPU figure holds up on a busy machine).
 * Not a timed test.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvColumns, writeParquet } from "../test/support/parquet-writer.ts";
import { generateBenchData } from "./generate-bench-data.ts";
import { median } from "./median.ts";

const ROWS = 1_000_000;
const RUNS = 3;
const here = import.meta.dirname;
const dataDir = join(here, "data");
const node = process.execPath;

interface Measurement {
  seconds: number;
  cpuSeconds: number;
  maxRssMB: number;
  rows: number;
}

mkdirSync(dataDir, { recursive: true });
const csv = join(dataDir, `credit-${ROWS}.csv`);
if (!existsSync(csv)) {
  process.stderr.write(`generating ${csv}\n`);
  await generateBenchData(ROWS, csv);
}
const parquet = join(dataDir, `credit-${ROWS}.snappy.parquet`);
if (!existsSync(parquet)) {
  process.stderr.write(`writing ${parquet}\n`);
  writeParquet(parquet, csvColumns(readFileSync(csv, "utf8")), { codec: "SNAPPY", rowGroupSize: 100_000 });
}
const config = JSON.parse(readFileSync(join(here, "bench-config.json"), "utf8")) as Record<string, unknown>;
const configs = {
  csv: join(here, "bench-config.json"),
  parquet: join(dataDir, "bench-config-parquet.json"),
};
writeFileSync(configs.parquet, JSON.stringify({ ...config, dataset_type: "application/x-parquet" }));

function measure(label: string, args: readonly string[]): Measurement {
  const runs: Measurement[] = [];
  for (let run = 0; run < RUNS; run++) {
    const measurement = JSON.parse(execFileSync(node, args, { encoding: "utf8" })) as Measurement;
    process.stderr.write(
      `${label}, run ${run + 1}: ${measurement.seconds.toFixed(3)} s (${measurement.cpuSeconds.toFixed(3)} s CPU), ${measurement.maxRssMB.toFixed(0)} MB\n`,
    );
    runs.push(measurement);
  }
  return {
    seconds: median(runs.map((r) => r.seconds)),
    cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    maxRssMB: median(runs.map((r) => r.maxRssMB)),
    rows: runs[0]?.rows ?? 0,
  };
}

const files = { csv, parquet };
const lines = [
  `${ROWS.toLocaleString("en")} rows; medians of ${RUNS} runs`,
  "",
  "| what | format | file MB | wall s | CPU s | rows per CPU s | peak RSS MB |",
  "|---|---|---:|---:|---:|---:|---:|",
];
const results: Record<string, Measurement> = {};
for (const [what, script] of [
  ["row source, every field", "read-rows.ts"],
  ["analyze (bench config)", "engine-run.ts"],
] as const) {
  for (const format of ["csv", "parquet"] as const) {
    const args =
      script === "read-rows.ts"
        ? [join(here, script), files[format], format]
        : [join(here, script), files[format], configs[format], "no-intervals"];
    const m = measure(`${what}, ${format}`, args);
    results[`${what}/${format}`] = m;
    lines.push(
      `| ${what} | ${format} | ${(statSync(files[format]).size / 1e6).toFixed(0)} | ${m.seconds.toFixed(3)} | ${m.cpuSeconds.toFixed(3)} | ${Math.round(m.rows / m.cpuSeconds).toLocaleString("en")} | ${m.maxRssMB.toFixed(0)} |`,
    );
  }
  const ratio = (key: "seconds" | "cpuSeconds") =>
    ((results[`${what}/parquet`]?.[key] ?? 0) / (results[`${what}/csv`]?.[key] ?? 1)).toFixed(2);
  lines.push(`| ${what}: Parquet / CSV | | | ${ratio("seconds")}× | ${ratio("cpuSeconds")}× | | |`);
}
process.stdout.write(`${lines.join("\n")}\n`);

/**
 * `npm run bench:scale`: the engine's count pass on one thread and on every core.
 * - 1,000,000 generated rows (bench-config.json: 3 facets, a group variable, every metric but
 *   FT; no intervals, so the figures are the pass itself): wall seconds, rows/s and MB/s on
 *   1 thread and on `os.availableParallelism()` threads, medians of RUNS fresh processes each
 *   (the runs alternate, so a burst of load on a shared machine hits both), and their ratio.
 * - 5,000,000 rows on 1 thread and on every core (RUNS_5M runs each, alternating): the same
 *   figures and the peak RSS, its median and its largest run (target: under 200 MB in every run).
 * The machine's load average is printed with the figures. Wall time on a busy shared host holds
 * the waits for a core; the busiest thread's CPU seconds (see busiestThread) do not, so both are
 * shown, with both ratios.
 * Not a timed test.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { generateBenchData } from "./generate-bench-data.ts";
import { median } from "./median.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const RUNS_5M = Number(process.env.BENCH_RUNS_5M ?? 5);
const dataDir = join(import.meta.dirname, "data");
const config = join(import.meta.dirname, "bench-config.json");
const cores = availableParallelism();
const loadAtStart = loadavg();

interface Measurement {
  seconds: number;
  maxRssMB: number;
  rows: number;
  mainCpuSeconds: number;
  workerCpuSeconds: number[];
}

/**
 * The run's time on idle cores: the busiest thread's CPU seconds (this thread counts the first
 * run of rows while the workers count the others). On a machine shared with other work the wall
 * time also holds the waits for a core; this does not.
 */
const busiestThread = (m: Measurement) => Math.max(m.mainCpuSeconds, ...m.workerCpuSeconds);

async function dataset(rows: number): Promise<string> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, `credit-${rows}.csv`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file}\n`);
    await generateBenchData(rows, file);
  }
  return file;
}

function measure(file: string, threads: number): Measurement {
  const output = execFileSync(
    process.execPath,
    [join(import.meta.dirname, "engine-run.ts"), file, config, "no-intervals", `--threads=${threads}`],
    { encoding: "utf8" },
  );
  return JSON.parse(output) as Measurement;
}

const million = await dataset(1_000_000);
const mb = statSync(million).size / 1e6;
const byThreads = new Map<number, Measurement[]>([
  [1, []],
  [cores, []],
]);
for (let run = 0; run < RUNS; run++) {
  for (const threads of byThreads.keys()) {
    const m = measure(million, threads);
    process.stderr.write(`1,000,000 rows, ${threads} thread(s), run ${run + 1}: ${m.seconds.toFixed(3)} s\n`);
    byThreads.get(threads)?.push(m);
  }
}
const lines = [
  `${cores} cores; load average at the start ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}`,
  "",
  "| rows | file MB | threads | runs | wall s (median) | rows/s | MB/s | busiest thread CPU s (median) | rows/s on idle cores | MB/s on idle cores | peak RSS MB (median / max) |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
];
const row = (rows: number, fileMb: number, threads: number, runs: Measurement[]) => {
  const wall = median(runs.map((r) => r.seconds));
  const cpu = median(runs.map(busiestThread));
  const rss = runs.map((r) => r.maxRssMB);
  const perSecond = (s: number) => Math.round(rows / s).toLocaleString("en");
  lines.push(
    `| ${rows.toLocaleString("en")} | ${fileMb.toFixed(0)} | ${threads} | ${runs.length} | ${wall.toFixed(3)} | ${perSecond(wall)} | ${(fileMb / wall).toFixed(0)} | ${cpu.toFixed(3)} | ${perSecond(cpu)} | ${(fileMb / cpu).toFixed(0)} | ${median(rss).toFixed(0)} / ${Math.max(...rss).toFixed(0)} |`,
  );
  return { wall, cpu };
};
const figures = new Map<number, { wall: number; cpu: number }>();
for (const [threads, runs] of byThreads) figures.set(threads, row(1_000_000, mb, threads, runs));
const five = await dataset(5_000_000);
const fiveMb = statSync(five).size / 1e6;
const fiveRuns = new Map<number, Measurement[]>([
  [1, []],
  [cores, []],
]);
for (let run = 0; run < RUNS_5M; run++) {
  for (const [threads, runs] of fiveRuns) {
    const m = measure(five, threads);
    process.stderr.write(
      `5,000,000 rows, ${threads} thread(s), run ${run + 1}: ${m.seconds.toFixed(3)} s, ${m.maxRssMB.toFixed(0)} MB\n`,
    );
    runs.push(m);
  }
}
const fiveOne = row(5_000_000, fiveMb, 1, fiveRuns.get(1) ?? []);
const fiveAll = row(5_000_000, fiveMb, cores, fiveRuns.get(cores) ?? []);
const one = figures.get(1);
const all = figures.get(cores);
if (one && all) {
  lines.push(
    "",
    `speed-up on ${cores} threads, 1,000,000 rows: ${(one.wall / all.wall).toFixed(2)}x wall, ${(one.cpu / all.cpu).toFixed(2)}x on idle cores (busiest thread)`,
    `speed-up on ${cores} threads, 5,000,000 rows: ${(fiveOne.wall / fiveAll.wall).toFixed(2)}x wall, ${(fiveOne.cpu / fiveAll.cpu).toFixed(2)}x on idle cores (busiest thread)`,
  );
}
lines.push(
  `load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
process.stdout.write(`${lines.join("\n")}\n`);

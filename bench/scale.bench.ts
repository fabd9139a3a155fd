/**
 * `npm run bench:scale`: the engine's count pass on one thread and on every core, against the
 * targets of the count pass on threads:
 * - 1,000,000 generated rows (bench-config.json: 3 facets, a group variable, every metric but
 *   FT; no intervals, so the figures are the pass itself) on 1 thread and on
 *   `os.availableParallelism()` threads, run both from the type-stripped sources and from a
 *   bundle built as the engine's image is (container/build-bundle.ts; what the image runs, its
 *   workers loading the count workers' bundle beside it), and on 1 thread by the engine as it was before the count pass
 *   went onto threads (REFERENCE_COMMIT, extracted with `git archive`), from its sources and
 *   bundled, each compared with today's engine run the same way. Target: all threads >= 1.8x one
 *   thread; one thread >= 2x the reference.
 * - 5,000,000 rows on 1 thread and on every core, from the sources and bundled: the same figures
 *   and the peak RSS, its median and its largest run (target: under 200 MB in every run; each
 *   thread running the sources also holds Node's type stripper, some 35 to 40 MB).
 * - The default's choice by size: 500,000, 1,000,000 and 2,000,000 rows on 1 thread and on
 *   every core (bundled), the wall-time ratio of each size, and how many threads the default
 *   (MIN_BYTES_PER_THREAD) gives each: a thread must have enough rows to pay for its start.
 * - A count worker's start-up: its thread's CPU until its script has loaded, from the count
 *   workers' own bundle (what the image's workers load) and from the engine's bundle (1.3 MB:
 *   what a worker loads when the workers' bundle is missing or stale), against a worker of an
 *   empty script (Node's own start-up of a thread).
 * Each figure is the median of RUNS fresh processes (BENCH_RUNS, BENCH_RUNS_5M); the variants
 * alternate within each run, so a burst of load on the shared machine hits them all. The cases
 * on several threads split the dataset whatever its size (`--min-bytes-per-thread=0`), except the
 * default's in the sweep. Wall time is what a user waits on an idle machine; on a busy host it
 * also holds the waits for a core. The busiest thread's CPU seconds (see busiestThread) do not,
 * but neither do they hold V8's compiler threads (each thread's isolate compiles the count path
 * again), which compete with the counting threads for the cores: the process's CPU seconds, all
 * its threads, show that. All three are shown, with the ratios of wall time and of the busiest
 * thread, and the load average at the start and the end.
 * Not a timed test.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildContainerContextSync, bundleScriptSync } from "../container/build-bundle.ts";
import { generateBenchData } from "./generate-bench-data.ts";
import { median } from "./median.ts";
import { scriptLoadMs } from "./worker-start-up.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const RUNS_5M = Number(process.env.BENCH_RUNS_5M ?? 5);
const RUNS_SWEEP = Number(process.env.BENCH_RUNS_SWEEP ?? 7);
/** The sizes of the sweep that shows where a second thread starts to pay (see MIN_BYTES_PER_THREAD). */
const SWEEP_ROWS = [500_000, 1_000_000, 2_000_000];
/**
 * The engine before the count pass went onto threads (the parent of 7ef064a, which began it):
 * the single-thread target is measured against it.
 */
const REFERENCE_COMMIT = "5ff1990";
const REPO = join(import.meta.dirname, "..");
const dataDir = join(import.meta.dirname, "data");
const config = join(import.meta.dirname, "bench-config.json");
const cores = availableParallelism();
const loadAtStart = loadavg();

interface Measurement {
  seconds: number;
  /** The process's CPU seconds: every thread, V8's compiler and GC threads too. */
  cpuSeconds: number;
  maxRssMB: number;
  rows: number;
  /** The threads that counted (absent from the reference's engine). */
  threads?: number;
  mainCpuSeconds: number;
  workerCpuSeconds: number[];
}

/** How a run is started: engine-run.ts from the sources or the reference's, or either bundled. */
interface Runner {
  readonly name: string;
  readonly script: string;
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

/**
 * One run in a fresh process. `split`: the dataset is cut over the threads whatever its size;
 * else the default's MIN_BYTES_PER_THREAD decides.
 */
function measure(runner: Runner, file: string, threads: number, split = true): Measurement {
  const output = execFileSync(
    process.execPath,
    [
      runner.script,
      file,
      config,
      "no-intervals",
      `--threads=${threads}`,
      ...(split ? ["--min-bytes-per-thread=0"] : []),
    ],
    { encoding: "utf8" },
  );
  return JSON.parse(output) as Measurement;
}

/** A runner's engine-run.ts bundled as the image's bundle is. */
function bundled(runner: Runner, outfile: string): Runner {
  bundleScriptSync(runner.script, outfile);
  return { name: `${runner.name}, bundled`, script: outfile };
}

/**
 * The reference commit's sources with today's engine-run.ts (whose options it ignores but the
 * bootstrap's), or undefined outside a git checkout that has the commit.
 */
function referenceRunner(work: string): Runner | undefined {
  const tree = join(work, "reference");
  mkdirSync(tree);
  try {
    const archive = execFileSync("git", ["-C", REPO, "archive", REFERENCE_COMMIT], {
      maxBuffer: 1 << 28,
      stdio: ["ignore", "pipe", "ignore"],
    });
    execFileSync("tar", ["-x", "-C", tree], { input: archive });
  } catch {
    process.stderr.write(
      `no reference: git archive ${REFERENCE_COMMIT} failed (not a git checkout with it)\n`,
    );
    return undefined;
  }
  symlinkSync(join(REPO, "node_modules"), join(tree, "node_modules"));
  const script = join(tree, "bench", "engine-run-today.ts");
  execFileSync("cp", [join(import.meta.dirname, "engine-run.ts"), script]);
  return { name: `${REFERENCE_COMMIT}`, script };
}

interface Figures {
  readonly wall: number;
  readonly cpu: number;
  /** The largest run's peak RSS, MB. */
  readonly rss: number;
  /** Each run's busiest thread CPU seconds, in run order (for paired ratios). */
  readonly cpuByRun: readonly number[];
  /** Each run's wall seconds, in run order. */
  readonly wallByRun: readonly number[];
  /** The threads that counted (median of the runs). */
  readonly threads: number;
}

const lines: string[] = [];
const tableHead = [
  "| engine | rows | file MB | threads | runs | wall s (median) | rows/s | MB/s | busiest thread CPU s (median) | rows/s on idle cores | MB/s on idle cores | this thread / slowest worker CPU s (medians) | process CPU s, all threads (median) | peak RSS MB (median / max) |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
];

function row(name: string, rows: number, fileMb: number, runs: Measurement[]): Figures {
  // The threads that counted (the default may count on fewer than were asked for).
  const threads = median(runs.map((r) => r.threads ?? 1));
  const wall = median(runs.map((r) => r.seconds));
  const cpu = median(runs.map(busiestThread));
  const rss = runs.map((r) => r.maxRssMB);
  const perSecond = (s: number) => Math.round(rows / s).toLocaleString("en");
  // How the threads shared the work (whether this thread and the workers finish together).
  const here = median(runs.map((r) => r.mainCpuSeconds));
  const workers = runs
    .filter((r) => r.workerCpuSeconds.length > 0)
    .map((r) => Math.max(...r.workerCpuSeconds));
  const split = workers.length > 0 ? `${here.toFixed(3)} / ${median(workers).toFixed(3)}` : "—";
  lines.push(
    `| ${name} | ${rows.toLocaleString("en")} | ${fileMb.toFixed(0)} | ${threads} | ${runs.length} | ${wall.toFixed(3)} | ${perSecond(wall)} | ${(fileMb / wall).toFixed(0)} | ${cpu.toFixed(3)} | ${perSecond(cpu)} | ${(fileMb / cpu).toFixed(0)} | ${split} | ${median(runs.map((r) => r.cpuSeconds)).toFixed(3)} | ${median(rss).toFixed(0)} / ${Math.max(...rss).toFixed(0)} |`,
  );
  return {
    wall,
    cpu,
    rss: Math.max(...rss),
    cpuByRun: runs.map(busiestThread),
    wallByRun: runs.map((r) => r.seconds),
    threads,
  };
}

/**
 * The ratios of the medians (wall time, and the busiest thread's CPU), each with the median of
 * each run's own ratio: the cases alternate within a run, so a run's two measurements met about
 * the same load, and their ratio drifts less with the machine's load than the medians do.
 */
const ratio = (before: Figures, after: Figures, target: number) => {
  const paired = (b: readonly number[], a: readonly number[]) =>
    median(b.map((x, run) => x / (a[run] ?? Number.NaN))).toFixed(2);
  const verdict = (x: number) => (x >= target ? "met" : "not met");
  const wall = before.wall / after.wall;
  const cpu = before.cpu / after.cpu;
  return `${wall.toFixed(2)}x wall (target ${target}x: ${verdict(wall)}; runs' own ratios ${paired(before.wallByRun, after.wallByRun)}x), ${cpu.toFixed(2)}x busiest thread (${verdict(cpu)}; runs' own ratios ${paired(before.cpuByRun, after.cpuByRun)}x)`;
};

/** Measures each (runner, threads) RUNS times, alternating, and adds their rows to the table. */
function measureAll(
  file: string,
  rows: number,
  runs: number,
  cases: readonly { runner: Runner; threads: number; split?: boolean }[],
): Figures[] {
  const mb = statSync(file).size / 1e6;
  const results = cases.map(() => [] as Measurement[]);
  for (let run = 0; run < runs; run++) {
    cases.forEach(({ runner, threads, split }, c) => {
      const m = measure(runner, file, threads, split);
      process.stderr.write(
        `${rows.toLocaleString("en")} rows, ${runner.name}, ${threads} thread(s), run ${run + 1}: ${m.seconds.toFixed(3)} s wall, ${busiestThread(m).toFixed(3)} s busiest thread, ${m.maxRssMB.toFixed(0)} MB\n`,
      );
      results[c]?.push(m);
    });
  }
  return cases.map(({ runner, split }, c) =>
    row(split === false ? `${runner.name}, default split` : runner.name, rows, mb, results[c] ?? []),
  );
}

const work = mkdtempSync(join(tmpdir(), "bench-scale-"));
try {
  const sources: Runner = { name: "sources", script: join(import.meta.dirname, "engine-run.ts") };
  const bundle = bundled(sources, join(work, "today", "engine-run.mjs"));
  const reference = referenceRunner(work);
  const referenceBundle = reference && bundled(reference, join(work, "reference-bundle", "engine-run.mjs"));
  const image = buildContainerContextSync(join(work, "image"));
  const startUps = {
    empty: await scriptLoadMs(),
    countWorkers: await scriptLoadMs(image.countWorkerPath),
    image: await scriptLoadMs(image.bundlePath),
  };
  const million = await dataset(1_000_000);
  const five = await dataset(5_000_000);

  const [one, all, bundleOne, bundleAll, before, beforeBundled] = measureAll(million, 1_000_000, RUNS, [
    { runner: sources, threads: 1 },
    { runner: sources, threads: cores },
    { runner: bundle, threads: 1 },
    { runner: bundle, threads: cores },
    ...(reference && referenceBundle
      ? [
          { runner: reference, threads: 1 },
          { runner: referenceBundle, threads: 1 },
        ]
      : []),
  ]) as [Figures, Figures, Figures, Figures, Figures | undefined, Figures | undefined];
  const [fiveOne, fiveAll, fiveBundleOne, fiveBundleAll] = measureAll(five, 5_000_000, RUNS_5M, [
    { runner: sources, threads: 1 },
    { runner: sources, threads: cores },
    { runner: bundle, threads: 1 },
    { runner: bundle, threads: cores },
  ]) as [Figures, Figures, Figures, Figures];
  const sweep: string[] = [];
  for (const rows of SWEEP_ROWS) {
    const [single, split, byDefault] = measureAll(await dataset(rows), rows, RUNS_SWEEP, [
      { runner: bundle, threads: 1 },
      { runner: bundle, threads: cores },
      { runner: bundle, threads: cores, split: false },
    ]) as [Figures, Figures, Figures];
    sweep.push(
      `${rows.toLocaleString("en")} rows, bundle: ${cores} threads ${(single.wall / split.wall).toFixed(2)}x as fast as 1 (wall time); the default counts on ${byDefault.threads} (${(single.wall / byDefault.wall).toFixed(2)}x as fast as 1)`,
    );
  }
  const peak = (one: Figures, all: Figures) =>
    `${one.rss.toFixed(0)} MB on 1 thread, ${all.rss.toFixed(0)} MB on ${cores} (target under 200 MB: ${Math.max(one.rss, all.rss) < 200 ? "met" : "not met"})`;

  const ratios = [
    `${cores} threads vs 1, 1,000,000 rows, sources: ${ratio(one, all, 1.8)}`,
    `${cores} threads vs 1, 1,000,000 rows, bundle: ${ratio(bundleOne, bundleAll, 1.8)}`,
    `${cores} threads vs 1, 5,000,000 rows, sources: ${ratio(fiveOne, fiveAll, 1.8)}`,
    `${cores} threads vs 1, 5,000,000 rows, bundle: ${ratio(fiveBundleOne, fiveBundleAll, 1.8)}`,
    `peak RSS at 5,000,000 rows, largest run, sources: ${peak(fiveOne, fiveAll)}`,
    `peak RSS at 5,000,000 rows, largest run, bundle: ${peak(fiveBundleOne, fiveBundleAll)}`,
    ...sweep,
    `a count worker's start-up, thread CPU until its script has loaded (median of 7): ${startUps.countWorkers.toFixed(1)} ms from the count workers' bundle, ${startUps.image.toFixed(1)} ms from the image's whole bundle, ${startUps.empty.toFixed(1)} ms for an empty script`,
    ...(before && beforeBundled
      ? [
          `1 thread vs ${REFERENCE_COMMIT}, 1,000,000 rows, sources: ${ratio(before, one, 2)}`,
          `1 thread vs ${REFERENCE_COMMIT}, 1,000,000 rows, both bundled: ${ratio(beforeBundled, bundleOne, 2)}`,
        ]
      : []),
  ];
  process.stdout.write(
    [
      `${cores} cores; load average at the start ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}`,
      "",
      ...tableHead,
      ...lines,
      "",
      ...ratios,
      `load average at the end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
      "",
    ].join("\n"),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

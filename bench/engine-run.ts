/**
 * One benchmark measurement in its own process: analyze() on a dataset, then prints
 * `{"seconds", "cpuSeconds", "maxRssMB", "rows"}` (CPU seconds hold up better than wall time on a
 * busy machine). Run by engine.bench.ts and intervals.bench.ts, so each
 * run's peak RSS is its own. A third argument `no-intervals` turns the bootstrap off;
 * `--threads=N` sets the count pass's worker threads (default: one per core) and
 * `--min-bytes-per-thread=N` the bytes each thread must have (default MIN_BYTES_PER_THREAD; 0
 * splits any dataset over the threads). Progress lines go to stderr, as the command line writes them.
 * bench:scale also runs it bundled as the engine's image is (container/build-bundle.ts), with
 * the count workers' own bundle beside it, so the run's command is on the main thread only.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";
import { analyze } from "../engine/analyze.ts";

if (isMainThread) {
  const flag = (name: string) => {
    const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
    return arg === undefined ? undefined : Number(arg.slice(name.length + 3));
  };
  const threads = flag("threads");
  const minBytesPerThread = flag("min-bytes-per-thread");
  const [dataset, configPath, mode] = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
  if (!dataset || !configPath) throw new Error("usage: engine-run.ts <dataset.csv> <analysis_config.json>");
  const config = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const mainCpuStarted = process.threadCpuUsage();
  const result = await analyze({
    datasetPath: dataset,
    config,
    outDir: mkdtempSync(join(tmpdir(), "bench-")),
    ...(mode === "no-intervals" && { intervals: false as const }),
    // As the command line reports it (every 10 s unless CLARIFY_PIPELINE_PROGRESS_SECONDS says
    // otherwise), so that the figures include what progress costs. Written out rather than
    // imported: bench:scale runs this file in the tree of an engine that had no progress module
    // (REFERENCE_COMMIT), which ignores the option.
    progress: {
      intervalSeconds: Number(process.env.CLARIFY_PIPELINE_PROGRESS_SECONDS ?? 10),
      write: (line: string) => process.stderr.write(`${line}\n`),
    },
    threads: {
      ...(threads !== undefined && { threads }),
      ...(minBytesPerThread !== undefined && { minBytesPerThread }),
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const mainCpu = process.threadCpuUsage(mainCpuStarted);
  process.stdout.write(
    JSON.stringify({
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      rows: result.rowsRead,
      threads: result.threads,
      // This thread's CPU and each count worker's: on a busy machine, this thread's CPU plus the
      // slowest worker's is the time the run would take on idle cores.
      mainCpuSeconds: (mainCpu.user + mainCpu.system) / 1e6,
      workerCpuSeconds: result.workerCpuSeconds ?? [],
    }),
  );
}

import { availableParallelism } from "node:os";
import { type CollectedCounts, collectCounts } from "../aggregate/collect-counts.ts";
import { CountsFold } from "../aggregate/count-tables.ts";
import { EngineInputError } from "../errors.ts";
import type { FilePart, TableFormat } from "../io/table-reader.ts";
import {
  COUNTING_ROWS_AGAIN,
  type CountProgress,
  type CountProgressOptions,
  withCountProgress,
} from "../progress/count-progress.ts";
import type { BiasDataset } from "../run-bias-analysis.ts";
import { type CountJob, planSpec } from "./count-job.ts";
import { countHere, otherFormatReaders } from "./count-worker.ts";
import { type CountWorker, startCountWorker } from "./count-worker-thread.ts";
import { SharedCut } from "./shared-cut.ts";
import { splitByFiles, splitCsvFiles } from "./split-csv.ts";

/**
 * Below this many bytes per thread a dataset is counted on fewer threads, down to one. Each
 * added thread is a V8 isolate of its own: starting it (about 30 ms of CPU), compiling the count
 * path again in it (V8's compiler threads, about 90 ms of CPU that compete with the counting
 * threads for the cores), counting slowly until that code is optimized, and folding its tables:
 * some 0.3 s of one core in all on a 2-core machine. A thread counts about 275 to 300 MB/s, so a
 * share of less than about 80 MB does not pay for it in wall time: on 2 cores (bench:scale,
 * bundled, idle machine), 2 threads ran 0.81 times as fast as one at 46 MB (slower), 1.01 times
 * at 91 MB, 1.25 times at 184 MB and 1.51 times at 461 MB. With 64 MiB, a CSV dataset under
 * 128 MiB stays on one thread.
 */
export const MIN_BYTES_PER_THREAD = 64 << 20;

/**
 * MIN_BYTES_PER_THREAD for a folder of JSON Lines or Parquet files (spread file by file): a byte
 * of Parquet costs about 23 times a byte of CSV to count (bench:parquet: compressed, and decoded
 * column by column), so a thread repays its start with far fewer of them. JSON Lines keeps this
 * default too, as before the CSV one was raised (each line is parsed as JSON; not measured on
 * threads).
 */
export const MIN_FILE_BYTES_PER_THREAD = 16 << 20;

/** The bytes each thread must have to be started: the option's, else the format's default. */
export function minBytesPerThread(format: TableFormat, options: ThreadOptions): number {
  return (
    options.minBytesPerThread ?? (format.kind === "csv" ? MIN_BYTES_PER_THREAD : MIN_FILE_BYTES_PER_THREAD)
  );
}

/**
 * What this thread does besides counting once the worker sharing its run has started (receiving
 * and folding its tables, the metrics, the report), less what the worker does besides (starting,
 * posting its tables), as the CSV it would count meanwhile: that worker gets this much more of
 * what is left when it starts, so that both finish together (shared-cut.ts). With 4 MiB, the two
 * threads' CPU seconds were about equal in bench:scale, bundled (medians: this thread 0.216 s and
 * the worker 0.207 s at 1,000,000 rows, 0.864 s and 0.829 s at 5,000,000). With 8 MiB, chosen
 * when this thread's merge cost twice what it costs now, the worker was the busier (0.198 s and
 * 0.225 s at 1,000,000 rows).
 */
export const AFTER_COUNT_BYTES = 4 << 20;

export interface ThreadOptions {
  /** Worker threads at most (default: `os.availableParallelism()`); 1 counts on this thread. */
  readonly threads?: number;
  /**
   * Bytes each thread gets at least (default MIN_BYTES_PER_THREAD for CSV,
   * MIN_FILE_BYTES_PER_THREAD for JSON Lines and Parquet); tests lower it to split small files.
   */
  readonly minBytesPerThread?: number;
}

export interface CountedDataset {
  readonly counts: CollectedCounts;
  /** The threads that counted (1: this one). */
  readonly threads: number;
  /** Each worker thread's CPU time (its start-up included), when workers counted. */
  readonly workerCpuSeconds?: readonly number[];
}

/** The threads a run uses by default: one per core this process may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * The count tables of the whole dataset, counted on several threads when it is CSV, large
 * enough, and has no separate predicted-label dataset (that one is read in lockstep with the
 * dataset, on one thread). The rows are cut into consecutive runs (split-csv.ts), one per
 * thread: this thread counts the first run and a worker thread each of the others; the tables
 * are merged in row order, which gives exactly the tables of one pass (count-tables.ts). The
 * workers are started before the cuts are searched, so that their start-up overlaps it. With
 * the quick cuts of a CSV, this thread and the first worker share the first two runs: this thread
 * counts from their start at once and places the cut between them when that worker has started
 * (loading the count path takes some 30 to 65 ms of CPU, more on a busy machine), so a late
 * worker counts less (shared-cut.ts). When a run meets bad data, the dataset is counted again on
 * this thread alone, so the error names the row as a one-thread run does.
 */
export async function countDataset(
  dataset: BiasDataset,
  options: ThreadOptions = {},
  progress?: CountProgressOptions,
): Promise<CountedDataset> {
  // Each pass over the rows reports as a phase of its own; a pass after the first is named so.
  let passes = 0;
  const pass = <T>(threads: number, count: (phase: CountProgress | undefined) => T | Promise<T>) => {
    const name = passes++ === 0 && progress ? progress.name : COUNTING_ROWS_AGAIN;
    return withCountProgress(progress && { ...progress, name }, dataset.bytes, threads, count);
  };
  const onOneThread = () =>
    pass(1, (phase) => {
      if (phase) dataset.reader.meterReads(phase.meterHere());
      return { counts: collectCounts(dataset.reader, dataset.plan, dataset.fieldCount), threads: 1 };
    });
  const count = threadCount(dataset, options);
  if (count <= 1) return onOneThread();
  const csv = dataset.format.kind === "csv";
  const runs = (cutting: Cutting) => pass(count, (phase) => countRuns(dataset, count, cutting, phase));
  // CSV: first with quick cuts (the first line feed after each offset), kept only when every cut
  // proves to be outside quotes; else again with the cuts found by reading for quotes.
  const first = await runs(csv ? "quick" : "files");
  const counted = first === "cut inside quotes" ? await runs("quote-safe") : first;
  if (counted === "cut inside quotes" || counted === "bad data") return onOneThread();
  return counted;
}

type Cutting = "quick" | "quote-safe" | "files";

async function countRuns(
  dataset: BiasDataset,
  count: number,
  cutting: Cutting,
  progress: CountProgress | undefined,
): Promise<CountedDataset | "bad data" | "cut inside quotes"> {
  const workers = Array.from({ length: count - 1 }, startCountWorker);
  try {
    const runs =
      cutting === "files"
        ? splitByFiles(dataset.files, count)
        : splitCsvFiles(dataset.files, count, cutting === "quote-safe");
    if (runs.length <= 1) return "bad data";
    const job = (parts: readonly FilePart[]): CountJob => ({
      kind: "clarify-count-job",
      parts,
      format: dataset.format,
      ...(dataset.reader.headers && { firstFileHeaders: dataset.reader.headers }),
      fieldCount: dataset.fieldCount,
      plan: planSpec(dataset.plan),
      countQuotes: cutting === "quick",
    });
    // Quick CSV cuts: this thread and the first worker share the first two runs, cut once the
    // worker has started (shared-cut.ts); the other workers count a run each.
    const cut =
      cutting === "quick"
        ? SharedCut.over(joinedParts(runs.slice(0, 2).flat()), AFTER_COUNT_BYTES)
        : undefined;
    const unmetered: CountJob[] = cut
      ? [job(cut.parts), { ...job(cut.parts), sharedCut: cut.shared }, ...runs.slice(2).map(job)]
      : runs.map(job);
    // Each thread adds the bytes it reads to its own progress slot.
    const jobs = progress ? unmetered.map((job, j) => ({ ...job, progress: progress.slot(j) })) : unmetered;
    // A worker is stopped as soon as it has replied: its heap is freed before the merge.
    const pending = jobs.slice(1).map(async (job, i) => {
      const worker = workers[i] as CountWorker;
      const reply = await worker.count(job);
      void worker.stop();
      return reply;
    });
    const first = jobs[0] as CountJob;
    const here = countHere(first, await otherFormatReaders(first), cut, progress?.tick);
    const replies = await Promise.all(pending);
    if (!here.ok || !replies.every(isCounted)) {
      const failed = [here, ...replies].find((reply) => !reply.ok);
      if (failed && !failed.ok && failed.name !== "EngineInputError") {
        throw new Error(`a count worker failed: ${failed.name}: ${failed.message}`);
      }
      return cutting === "quick" ? "cut inside quotes" : "bad data";
    }
    const done = [here, ...replies];
    // The parts each thread counted: a shared run's, as the cut left them.
    const countedJobs = jobs.map((job, j) => ({ ...job, parts: done[j]?.parts ?? job.parts }));
    if (cutting === "quick" && !cutsOutsideQuotes(countedJobs, done)) return "cut inside quotes";
    let merged: CollectedCounts;
    try {
      // This thread's counts take in the workers' tables in row order (see CountsFold).
      const fold = new CountsFold(here.counts);
      for (const reply of replies) fold.add(reply.tables);
      merged = fold.counts();
    } catch (error) {
      if (error instanceof EngineInputError) return "bad data";
      throw error;
    }
    return {
      counts: merged,
      threads: jobs.length,
      workerCpuSeconds: replies.map((reply) => reply.cpuSeconds),
    };
  } finally {
    // Each worker counted one run, or none when there were fewer runs than threads.
    for (const worker of workers) void worker.stop();
  }
}

/** Whether a reply holds counts (not an error). */
function isCounted<R extends { readonly ok: boolean }>(reply: R): reply is Extract<R, { ok: true }> {
  return reply.ok;
}

/**
 * Whether every cut inside a file has an even number of quote bytes before it in that file
 * (so it is outside quotes, see split-csv.ts), from each part's quote-byte count.
 */
function cutsOutsideQuotes(
  jobs: readonly CountJob[],
  replies: readonly { readonly partQuotes?: readonly number[] }[],
): boolean {
  let file = "";
  let quotes = 0;
  for (const [j, job] of jobs.entries()) {
    for (const [k, part] of job.parts.entries()) {
      if (part.path !== file || part.start === 0) {
        file = part.path;
        quotes = 0;
      }
      if (part.start > 0 && quotes % 2 !== 0) return false;
      quotes += replies[j]?.partQuotes?.[k] ?? 0;
    }
  }
  return true;
}

/** The parts with each file's consecutive parts joined (a shared run is cut once, where it is shared). */
function joinedParts(parts: readonly FilePart[]): FilePart[] {
  const joined: FilePart[] = [];
  for (const part of parts) {
    const last = joined.at(-1);
    if (last && last.path === part.path && last.end === part.start)
      joined[joined.length - 1] = { ...last, end: part.end };
    else joined.push(part);
  }
  return joined;
}

/** How many threads count this dataset (1: this one alone). */
function threadCount(dataset: BiasDataset, options: ThreadOptions): number {
  const threads = options.threads ?? defaultThreads();
  if (threads <= 1 || dataset.predictedReader !== undefined) return 1;
  const minBytes = minBytesPerThread(dataset.format, options);
  const bySize = minBytes <= 0 ? threads : Math.floor(dataset.bytes / minBytes);
  // Only CSV files are cut inside; Parquet and JSON Lines go to threads file by file.
  const byFiles = dataset.format.kind === "csv" ? threads : dataset.files.length;
  return Math.max(1, Math.min(threads, bySize, byFiles));
}

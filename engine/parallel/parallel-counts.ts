import { availableParallelism } from "node:os";
import { isMainThread, Worker, workerData } from "node:worker_threads";
import { type CollectedCounts, collectCounts } from "../aggregate/collect-counts.ts";
import { type CountTables, fromCountTables, mergeCounts } from "../aggregate/count-tables.ts";
import { EngineInputError } from "../errors.ts";
import type { BiasDataset } from "../run-bias-analysis.ts";
import { type CountJob, planSpec } from "./count-job.ts";
import { type CountReply, serveCountJob } from "./count-worker.ts";
import { splitCsvFiles } from "./split-csv.ts";

/**
 * Below this many bytes per thread a dataset is counted on one thread: starting a worker
 * (loading the engine's modules) costs about as much as counting this much CSV.
 */
export const MIN_BYTES_PER_THREAD = 16 << 20;

export interface ThreadOptions {
  /** Worker threads at most (default: `os.availableParallelism()`); 1 counts on this thread. */
  readonly threads?: number;
  /** Bytes each thread gets at least (default MIN_BYTES_PER_THREAD); tests lower it to split small files. */
  readonly minBytesPerThread?: number;
}

export interface CountedDataset {
  readonly counts: CollectedCounts;
  /** The threads that counted (1: this one). */
  readonly threads: number;
}

/** The threads a run uses by default: one per core this process may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * The count tables of the whole dataset, counted on several worker threads when it is CSV, large
 * enough, and has no separate predicted-label dataset (that one is read in lockstep with the
 * dataset, on one thread). The rows are cut into consecutive runs (split-csv.ts), one per
 * worker; each worker counts its run; the tables are merged in row order, which gives exactly
 * the tables of one pass (count-tables.ts). When a worker meets bad data, the dataset is counted
 * again on this thread, so the error names the row as a one-thread run does.
 */
export async function countDataset(
  dataset: BiasDataset,
  options: ThreadOptions = {},
): Promise<CountedDataset> {
  const onOneThread = () => ({
    counts: collectCounts(dataset.reader, dataset.plan, dataset.fieldCount),
    threads: 1,
  });
  const runs = threadRuns(dataset, options);
  if (runs === undefined) return onOneThread();
  const jobs: CountJob[] = runs.map((parts) => ({
    kind: "clarify-count-job",
    parts,
    format: dataset.format,
    ...(dataset.reader.headers && { firstFileHeaders: dataset.reader.headers }),
    fieldCount: dataset.fieldCount,
    plan: planSpec(dataset.plan),
  }));
  const replies = await Promise.all(jobs.map(runWorker));
  const failed = replies.find((reply) => !reply.ok);
  if (failed && !failed.ok) {
    if (failed.name === "EngineInputError") return onOneThread();
    throw new Error(`a count worker failed: ${failed.name}: ${failed.message}`);
  }
  const tables = replies.map((reply) => (reply as { tables: CountTables }).tables);
  let merged: CountTables;
  try {
    merged = tables.slice(1).reduce(mergeCounts, tables[0] as CountTables);
  } catch (error) {
    if (error instanceof EngineInputError) return onOneThread();
    throw error;
  }
  return { counts: fromCountTables(merged), threads: jobs.length };
}

/** The file parts each worker counts, or undefined to count on this thread. */
function threadRuns(
  dataset: BiasDataset,
  options: ThreadOptions,
): ReturnType<typeof splitCsvFiles> | undefined {
  const threads = options.threads ?? defaultThreads();
  if (threads <= 1 || dataset.format.kind !== "csv" || dataset.predictedReader !== undefined)
    return undefined;
  const minBytes = options.minBytesPerThread ?? MIN_BYTES_PER_THREAD;
  const bytes = dataset.bytes;
  const count = Math.min(threads, minBytes <= 0 ? threads : Math.floor(bytes / minBytes));
  if (count <= 1) return undefined;
  const runs = splitCsvFiles(dataset.files, count);
  return runs.length > 1 ? runs : undefined;
}

function runWorker(job: CountJob): Promise<CountReply> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    let replied = false;
    worker.once("message", (reply: CountReply) => {
      replied = true;
      resolve(reply);
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (!replied) reject(new Error(`a count worker exited with code ${code} before replying`));
    });
  });
}

// This module is also the worker's script (so that a bundle of the engine holds it too): a
// thread started with a count job counts it and replies.
if (!isMainThread && (workerData as CountJob | undefined)?.kind === "clarify-count-job") {
  serveCountJob(workerData as CountJob);
}

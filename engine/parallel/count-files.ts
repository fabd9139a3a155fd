/**
 * The count tables of each file of a dataset on its own (a multi-instance job's host writes
 * them per file, so that CollectResults can merge every host's files in the dataset's name
 * order, whichever files each host was given). Several files are counted at once on worker
 * threads when there are enough bytes to be worth a thread; the tables are the same either way.
 * A worker counts file after file (starting one costs about as much as counting tens of MB), so
 * a host given many small files starts no more workers than threads.
 */
import { statSync } from "node:fs";
import type { CountTables } from "../aggregate/count-tables.ts";
import { EngineInputError } from "../errors.ts";
import {
  type CountProgress,
  type CountProgressOptions,
  withCountProgress,
} from "../progress/count-progress.ts";
import type { BiasDataset } from "../run-bias-analysis.ts";
import { type CountJob, planSpec } from "./count-job.ts";
import { answerCountJob, type CountReply, otherFormatReaders } from "./count-worker.ts";
import { startCountWorker } from "./count-worker-thread.ts";
import { defaultThreads, minBytesPerThread, type ThreadOptions } from "./parallel-counts.ts";

export interface CountedFiles {
  /** Per file of the dataset, in its order: the count tables of its rows. */
  readonly tables: readonly CountTables[];
  /** The threads that counted (1: this one). */
  readonly threads: number;
}

export async function countEachFile(
  dataset: BiasDataset,
  options: ThreadOptions = {},
): Promise<CountedFiles> {
  const tables: CountTables[] = new Array(dataset.files.length);
  const { threads } = await countFileByFile(dataset, options, async (index, counted) => {
    tables[index] = counted;
  });
  return { tables, threads };
}

/**
 * Counts each file of the dataset on its own and hands each file's tables to `each` as soon as
 * they are counted (in any order on several threads), keeping none: a host of many files holds
 * one file's tables at a time per thread, not all of them. A file whose data is bad fails the
 * count as countEachFile does: the first such file in the dataset's order, once every file is
 * counted.
 */
/** One count job per dataset file, each the whole file (the plan worked out once for them all). */
export function wholeFileJobs(dataset: BiasDataset): CountJob[] {
  const plan = planSpec(dataset.plan);
  return dataset.files.map((path) => ({
    kind: "clarify-count-job",
    parts: [{ path, start: 0, end: statSync(path).size }],
    format: dataset.format,
    ...(dataset.reader.headers && { firstFileHeaders: dataset.reader.headers }),
    fieldCount: dataset.fieldCount,
    plan,
  }));
}

export async function countFileByFile(
  dataset: BiasDataset,
  options: ThreadOptions,
  each: (index: number, tables: CountTables) => Promise<void>,
  progress?: CountProgressOptions,
): Promise<{ readonly threads: number }> {
  const jobs = wholeFileJobs(dataset);
  const threads = threadCount(dataset, jobs.length, options);
  return withCountProgress(progress, dataset.bytes, threads, (phase) =>
    countOnThreads(jobs, threads, each, phase),
  );
}

/** The files' jobs on `threads` threads; each thread adds the bytes it reads to its progress slot. */
async function countOnThreads(
  jobs: readonly CountJob[],
  threads: number,
  each: (index: number, tables: CountTables) => Promise<void>,
  phase: CountProgress | undefined,
): Promise<{ readonly threads: number }> {
  const metered = (job: CountJob, slot: number): CountJob =>
    phase ? { ...job, progress: phase.slot(slot) } : job;
  if (threads <= 1) {
    const others = jobs[0] && (await otherFormatReaders(jobs[0]));
    for (const [index, job] of jobs.entries()) {
      await each(index, tablesOf(answerCountJob(metered(job, 0), others, phase?.tick)));
    }
    return { threads: 1 };
  }
  const failures = new Map<number, CountReply>();
  let next = 0;
  // Each worker takes the next file as soon as it has counted its last one.
  const lane = async (_: unknown, slot: number) => {
    const worker = startCountWorker();
    try {
      while (next < jobs.length) {
        const at = next++;
        const reply = await worker.count(metered(jobs[at] as CountJob, slot));
        if (reply.ok) await each(at, reply.tables);
        else failures.set(at, reply);
      }
    } finally {
      await worker.stop();
    }
  };
  await Promise.all(Array.from({ length: threads }, lane));
  const first = failures.get(Math.min(...failures.keys()));
  if (first !== undefined && !first.ok) throw failureOf(first);
  return { threads };
}

/** A file's tables, or its error as this thread would raise it (bad data names the file and line). */
function tablesOf(reply: CountReply): CountTables {
  if (reply.ok) return reply.tables;
  throw failureOf(reply);
}

function failureOf(reply: Extract<CountReply, { ok: false }>): Error {
  if (reply.name === "EngineInputError") return new EngineInputError(reply.message);
  return new Error(`a count worker failed: ${reply.name}: ${reply.message}`);
}

/** Threads for `files` files: no more than the files, and each with enough bytes to repay its start-up. */
function threadCount(dataset: BiasDataset, files: number, options: ThreadOptions): number {
  const threads = options.threads ?? defaultThreads();
  if (threads <= 1 || files <= 1) return 1;
  const minBytes = minBytesPerThread(dataset.format, options);
  const bySize = minBytes <= 0 ? threads : Math.floor(dataset.bytes / minBytes);
  return Math.max(1, Math.min(threads, files, bySize));
}

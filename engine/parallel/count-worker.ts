import { parentPort } from "node:worker_threads";
import { collectCounts } from "../aggregate/collect-counts.ts";
import { type CountTables, toCountTables } from "../aggregate/count-tables.ts";
import { CoreTableReader, type OtherFormatReaders } from "../io/table-reader.ts";
import { type CountJob, planOf } from "./count-job.ts";

/**
 * The count tables of one job's rows (what a worker thread computes; callable on any thread).
 * `others`: the JSON Lines and Parquet readers (open-table.ts), for a job in those formats.
 */
export function countJob(job: CountJob, others?: OtherFormatReaders): CountTables {
  return countJobWithQuotes(job, others).tables;
}

/** The job's tables, and per part the quote bytes of its records (CSV). */
function countJobWithQuotes(
  job: CountJob,
  others: OtherFormatReaders | undefined,
): { tables: CountTables; partQuotes: readonly number[] } {
  const reader = new CoreTableReader(job.parts, job.format, job.firstFileHeaders, others);
  try {
    const counts = collectCounts(reader, planOf(job.plan), job.fieldCount);
    return { tables: toCountTables(counts, reader.columnDtypes()), partQuotes: reader.quoteCounts() };
  } finally {
    reader.close();
  }
}

/** What a worker posts back: its tables, or its error's name and message. */
export type CountReply =
  | {
      readonly ok: true;
      readonly tables: CountTables;
      readonly cpuSeconds: number;
      /** Per part, its quote bytes (when the job asked). */
      readonly partQuotes?: readonly number[];
    }
  | { readonly ok: false; readonly name: string; readonly message: string };

/** A job's reply: its tables (and its parts' quote bytes when asked), or its error's name and message. */
export function answerCountJob(job: CountJob, others?: OtherFormatReaders): CountReply {
  try {
    // The scanner counts the quote bytes as it parses: the parts need no second read.
    const { tables, partQuotes: quotes } = countJobWithQuotes(job, others);
    const partQuotes = job.countQuotes ? job.parts.map((_, k) => quotes[k] ?? 0) : undefined;
    const cpu = process.threadCpuUsage();
    return { ok: true, tables, cpuSeconds: (cpu.user + cpu.system) / 1e6, ...(partQuotes && { partQuotes }) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { ok: false, name: e.name, message: e.message };
  }
}

/**
 * Runs in a worker thread: counts the job it was sent and posts the reply. The JSON Lines and
 * Parquet readers (and hyparquet) are loaded only for a job in those formats: a thread counting
 * CSV loads the count path alone, which makes it start sooner and hold less memory.
 */
export async function serveCountJob(job: CountJob): Promise<void> {
  parentPort?.postMessage(answerCountJob(job, await otherFormatReaders(job)));
}

/** The readers of JSON Lines and Parquet when the job reads one of them. */
export async function otherFormatReaders(job: CountJob): Promise<OtherFormatReaders | undefined> {
  if (job.format.kind === "csv") return undefined;
  return (await import("../io/open-table.ts")).OTHER_FORMAT_READERS;
}

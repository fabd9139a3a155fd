import { parentPort } from "node:worker_threads";
import { type CollectedCounts, collectCounts } from "../aggregate/collect-counts.ts";
import { type CountTables, plainNumbers, toCountTables } from "../aggregate/count-tables.ts";
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
  const { counts, dtypes, partQuotes } = countJobCounts(job, others);
  return { tables: toCountTables(counts, dtypes), partQuotes };
}

/** The job's counts as the pass leaves them, the Parquet dtypes, and per part its quote bytes. */
function countJobCounts(
  job: CountJob,
  others: OtherFormatReaders | undefined,
): {
  counts: CollectedCounts;
  dtypes: readonly (string | undefined)[] | undefined;
  partQuotes: readonly number[];
} {
  const reader = new CoreTableReader(job.parts, job.format, job.firstFileHeaders, others);
  try {
    const counts = collectCounts(reader, planOf(job.plan), job.fieldCount);
    return { counts, dtypes: reader.columnDtypes(), partQuotes: reader.quoteCounts() };
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
  return answer(job, others, (counts, dtypes) => toCountTables(counts, dtypes));
}

function answer(
  job: CountJob,
  others: OtherFormatReaders | undefined,
  tablesOf: (counts: CollectedCounts, dtypes: readonly (string | undefined)[] | undefined) => CountTables,
): CountReply {
  try {
    // The scanner counts the quote bytes as it parses: the parts need no second read.
    const { counts, dtypes, partQuotes: quotes } = countJobCounts(job, others);
    const tables = tablesOf(counts, dtypes);
    const partQuotes = job.countQuotes ? job.parts.map((_, k) => quotes[k] ?? 0) : undefined;
    const cpu = process.threadCpuUsage();
    return { ok: true, tables, cpuSeconds: (cpu.user + cpu.system) / 1e6, ...(partQuotes && { partQuotes }) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { ok: false, name: e.name, message: e.message };
  }
}

/**
 * A reply as a worker thread posts it: each facet's cells travel as a transferred typed array
 * (`cells`, in facet order; the tables' `cells` are empty) rather than as an array of numbers
 * cloned into the message. A facet of many values has hundreds of thousands of cells: the
 * worker's array copy and the message's would both count in the process's peak memory.
 */
export interface PostedCountReply {
  readonly reply: CountReply;
  readonly cells?: readonly Float64Array[];
}

/** The reply of a posted one, with its facets' cells back in the tables. */
export function receivedCountReply(posted: PostedCountReply): CountReply {
  const { reply, cells } = posted;
  if (!reply.ok || cells === undefined) return reply;
  const facets = reply.tables.facets.map((facet, f) => ({
    ...facet,
    cells: plainNumbers(cells[f] as Float64Array, facet.slotKeys.length * 16),
  }));
  return { ...reply, tables: { ...reply.tables, facets } };
}

/**
 * Runs in a worker thread: counts the job it was sent and posts the reply. The JSON Lines and
 * Parquet readers (and hyparquet) are loaded only for a job in those formats: a thread counting
 * CSV loads the count path alone, which makes it start sooner and hold less memory.
 */
export async function serveCountJob(job: CountJob): Promise<void> {
  let cells: Float64Array[] | undefined;
  const reply = answer(job, await otherFormatReaders(job), (counts, dtypes) => {
    cells = counts.facets.map((facet) => facet.cells);
    // The tables without the cells (the slots are put back: only the cells travel apart).
    const tables = toCountTables(
      { ...counts, facets: counts.facets.map((facet) => ({ ...facet, slotKeys: [], slotGroups: [] })) },
      dtypes,
    );
    const facets = tables.facets.map((table, f) => {
      const facet = counts.facets[f];
      return { ...table, slotKeys: [...(facet?.slotKeys ?? [])], slotGroups: [...(facet?.slotGroups ?? [])] };
    });
    return { ...tables, facets };
  });
  const posted: PostedCountReply = { reply, ...(reply.ok && cells && { cells }) };
  parentPort?.postMessage(posted, reply.ok && cells ? cells.map((typed) => typed.buffer as ArrayBuffer) : []);
}

/** The readers of JSON Lines and Parquet when the job reads one of them. */
export async function otherFormatReaders(job: CountJob): Promise<OtherFormatReaders | undefined> {
  if (job.format.kind === "csv") return undefined;
  return (await import("../io/open-table.ts")).OTHER_FORMAT_READERS;
}

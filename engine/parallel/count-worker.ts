import { parentPort } from "node:worker_threads";
import { type CollectedCounts, collectCounts } from "../aggregate/collect-counts.ts";
import { type CountTables, plainNumbers, toCountTables } from "../aggregate/count-tables.ts";
import type { FilePart } from "../io/table-reader.ts";
import { CoreTableReader, type OtherFormatReaders } from "../io/table-reader.ts";
import { slotMeter } from "../progress/shared-counters.ts";
import { type CountJob, planOf } from "./count-job.ts";
import { SharedCut } from "./shared-cut.ts";

/**
 * The count tables of one job's rows (what a worker thread computes; callable on any thread).
 * `others`: the JSON Lines and Parquet readers (open-table.ts), for a job in those formats.
 */
export function countJob(job: CountJob, others?: OtherFormatReaders): CountTables {
  const { counts, dtypes } = countJobCounts(job, job.parts, others, undefined, undefined);
  return toCountTables(counts, dtypes);
}

/**
 * The counts of `parts` (the job's, or those a shared cut leaves), the Parquet dtypes, and per
 * part its quote bytes. With the job's progress slot, each chunk read is added to it, then
 * `onRead` is called (on the thread that reports progress).
 */
function countJobCounts(
  job: CountJob,
  parts: readonly FilePart[],
  others: OtherFormatReaders | undefined,
  cut: SharedCut | undefined,
  onRead: (() => void) | undefined,
): {
  counts: CollectedCounts;
  dtypes: readonly (string | undefined)[] | undefined;
  partQuotes: readonly number[];
} {
  const reader = new CoreTableReader(parts, job.format, job.firstFileHeaders, others, cut);
  if (job.progress) reader.meterReads(slotMeter(job.progress, onRead));
  try {
    const counts = collectCounts(reader, planOf(job.plan), job.fieldCount);
    return { counts, dtypes: reader.columnDtypes(), partQuotes: reader.quoteCounts() };
  } finally {
    reader.close();
  }
}

/** A reply's common part: the counts as `Counted` holds them, or the error's name and message. */
type Reply<Counted> =
  | ({
      readonly ok: true;
      readonly cpuSeconds: number;
      /** Per part, its quote bytes (when the job asked). */
      readonly partQuotes?: readonly number[];
      /** The parts counted, when a shared cut placed them (see CountJob.sharedCut). */
      readonly parts?: readonly FilePart[];
    } & Counted)
  | { readonly ok: false; readonly name: string; readonly message: string };

/** What a worker posts back: its tables, or its error's name and message. */
export type CountReply = Reply<{ readonly tables: CountTables }>;

/**
 * This thread's own reply: its counts as the pass left them, for a CountsFold to take over
 * (turning them into tables would cost a copy of every dictionary and slot, and one back).
 */
export type LocalCountReply = Reply<{ readonly counts: CollectedCounts }>;

/**
 * A job's reply: its tables (and its parts' quote bytes when asked), or its error's name and
 * message.
 */
export function answerCountJob(job: CountJob, others?: OtherFormatReaders, onRead?: () => void): CountReply {
  return answer(job, others, undefined, onRead, (counts, dtypes) => ({
    tables: toCountTables(counts, dtypes),
  }));
}

/**
 * The reply of the job this thread counts itself, with its counts as they are. With `cut`, the
 * job's parts are a run this thread shares with a worker (shared-cut.ts): this thread counts them
 * up to the cut, and the reply names the parts it counted.
 */
export function countHere(
  job: CountJob,
  others?: OtherFormatReaders,
  cut?: SharedCut,
  onRead?: () => void,
): LocalCountReply {
  return answer(job, others, cut, onRead, (counts, dtypes) => ({
    counts: dtypes ? { ...counts, columnDtypes: dtypes } : counts,
  }));
}

function answer<Counted>(
  job: CountJob,
  others: OtherFormatReaders | undefined,
  cut: SharedCut | undefined,
  onRead: (() => void) | undefined,
  countedOf: (counts: CollectedCounts, dtypes: readonly (string | undefined)[] | undefined) => Counted,
): Reply<Counted> {
  // A worker sharing a run waits for the cut (placed by the thread that sent the job) and counts from it.
  const parts = job.sharedCut ? SharedCut.of(job.parts, job.sharedCut).waitForCut() : job.parts;
  try {
    // The scanner counts the quote bytes as it parses: the parts need no second read.
    const counted = countJobCounts(job, parts, others, cut, onRead);
    cut?.finish();
    const result = countedOf(counted.counts, counted.dtypes);
    const countedParts = cut ? cut.firstParts() : parts;
    const partQuotes = job.countQuotes ? countedParts.map((_, k) => counted.partQuotes[k] ?? 0) : undefined;
    const cpu = process.threadCpuUsage();
    return {
      ok: true,
      ...result,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      ...(partQuotes && { partQuotes }),
      ...((cut || job.sharedCut) && { parts: countedParts }),
    };
  } catch (error) {
    // The worker sharing the run must not wait for a cut this thread will not place.
    cut?.finish();
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
  const reply: CountReply = answer(
    job,
    await otherFormatReaders(job),
    undefined,
    undefined,
    (counts, dtypes) => {
      cells = counts.facets.map((facet) => facet.cells);
      // The tables without the cells (the slots are put back: only the cells travel apart).
      const tables = toCountTables(
        { ...counts, facets: counts.facets.map((facet) => ({ ...facet, slotKeys: [], slotGroups: [] })) },
        dtypes,
      );
      const facets = tables.facets.map((table, f) => {
        const facet = counts.facets[f];
        return { ...table, slotKeys: facet?.slotKeys ?? [], slotGroups: facet?.slotGroups ?? [] };
      });
      return { tables: { ...tables, facets } };
    },
  );
  const posted: PostedCountReply = { reply, ...(reply.ok && cells && { cells }) };
  parentPort?.postMessage(posted, reply.ok && cells ? cells.map((typed) => typed.buffer as ArrayBuffer) : []);
}

/** The readers of JSON Lines and Parquet when the job reads one of them. */
export async function otherFormatReaders(job: CountJob): Promise<OtherFormatReaders | undefined> {
  if (job.format.kind === "csv") return undefined;
  return (await import("../io/open-table.ts")).OTHER_FORMAT_READERS;
}

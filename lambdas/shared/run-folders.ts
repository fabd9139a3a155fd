/**
 * The run folders under an output prefix are the pipeline's history: no database, each run's
 * summary.json is its record. This lists them and reads their summaries (S3 List and Get only).
 */
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { isRecord } from "../../contracts/is-record.ts";
import { asPrefixUri, formatS3Uri, parseS3Uri } from "../../contracts/s3-uri.ts";
import { readTextIfExists } from "./s3-objects.ts";

/** The parts of a summary.json the history reads; every field is checked before use. */
export interface RunSummary {
  readonly status: string;
  readonly runId?: string;
  readonly runName?: string;
  /** When the execution started (ISO 8601); orders the runs. */
  readonly startTime?: string;
  readonly analysisUri?: string;
  /** The whole record, as written. */
  readonly document: Readonly<Record<string, unknown>>;
}

export interface RunRecord {
  readonly runId: string;
  /** `s3://bucket/prefix/<runId>/` */
  readonly runUri: string;
  readonly summary: RunSummary;
}

/** Summaries read at once. */
export const READ_CONCURRENCY = 8;

/** The folder names directly under `outputUri` that start with `namePrefix`, in key order. */
export async function listRunFolders(s3: S3Client, outputUri: string, namePrefix = ""): Promise<string[]> {
  const location = parseS3Uri(asPrefixUri(outputUri));
  if (!location) throw new Error(`"${outputUri}" is not a valid S3 URI (s3://bucket/prefix/)`);
  const prefix = `${location.key}${namePrefix}`;
  const folders: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: location.bucket,
        Prefix: prefix,
        Delimiter: "/",
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const common of page.CommonPrefixes ?? []) {
      const folder = common.Prefix?.slice(location.key.length).replace(/\/$/, "");
      if (folder) folders.push(folder);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return folders;
}

/**
 * The runs under `outputUri` (optionally only folders starting with `namePrefix`) that have a
 * readable summary.json, newest first. Folders without one (a run in progress) are left out.
 */
export async function readRunRecords(s3: S3Client, outputUri: string, namePrefix = ""): Promise<RunRecord[]> {
  const base = asPrefixUri(outputUri);
  const folders = await listRunFolders(s3, base, namePrefix);
  const records: RunRecord[] = [];
  for (let at = 0; at < folders.length; at += READ_CONCURRENCY) {
    const batch = folders.slice(at, at + READ_CONCURRENCY);
    const read = await Promise.all(
      batch.map(async (runId) => {
        const runUri = `${base}${runId}/`;
        const summary = parseRunSummary(await readTextIfExists(s3, `${runUri}summary.json`));
        return summary ? { runId, runUri, summary } : undefined;
      }),
    );
    for (const record of read) if (record) records.push(record);
  }
  return newestFirst(records);
}

/** A run folder's summary.json as the listing shows it. */
interface ListedSummary {
  readonly runId: string;
  /** When summary.json was last written (milliseconds since the epoch; 0 when not listed). */
  readonly written: number;
}

const SUMMARY_FILE = "summary.json";

/**
 * The summary.json of every folder directly under `outputUri` starting with `namePrefix`,
 * last written first (ties by folder name, later first). Folder names cannot order the runs
 * (the execution part is free-form), so the listing's LastModified does: it is read without a
 * GetObject, and the newest runs can be read first.
 */
export async function listRunSummaries(
  s3: S3Client,
  outputUri: string,
  namePrefix = "",
): Promise<ListedSummary[]> {
  const location = parseS3Uri(asPrefixUri(outputUri));
  if (!location) throw new Error(`"${outputUri}" is not a valid S3 URI (s3://bucket/prefix/)`);
  const summaries: ListedSummary[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: location.bucket,
        Prefix: `${location.key}${namePrefix}`,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const object of page.Contents ?? []) {
      const rest = object.Key?.slice(location.key.length) ?? "";
      const runId = rest.slice(0, -`/${SUMMARY_FILE}`.length);
      if (rest.endsWith(`/${SUMMARY_FILE}`) && runId !== "" && !runId.includes("/")) {
        summaries.push({ runId, written: object.LastModified?.getTime() ?? 0 });
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return summaries.sort((x, y) => y.written - x.written || y.runId.localeCompare(x.runId));
}

export interface RecentRunsQuery {
  /** Only records this accepts are kept (for example: the same runName, not this run). */
  readonly keep: (record: RunRecord) => boolean;
  /** True once the kept records, newest first, hold all the caller needs: reading stops. */
  readonly enough: (kept: readonly RunRecord[]) => boolean;
}

/**
 * The newest runs under `outputUri` whose folder starts with `namePrefix`, read newest first
 * in batches until `query.enough` holds, so the reads stay bounded however long the history
 * grows. Returned newest first (by start time, as `newestFirst`).
 */
export async function readRecentRunRecords(
  s3: S3Client,
  outputUri: string,
  namePrefix: string,
  query: RecentRunsQuery,
): Promise<RunRecord[]> {
  const base = asPrefixUri(outputUri);
  const listed = await listRunSummaries(s3, base, namePrefix);
  const kept: RunRecord[] = [];
  // LastModified has a resolution of a second (s3rver, and S3 in effect), and runs recorded in
  // the same second (a local runner seeding the earlier runs) are in no known order among
  // themselves: reading never stops inside such a group.
  const stopsAt = (at: number) =>
    at > 0 && listed[at]?.written !== listed[at - 1]?.written && query.enough(kept);
  let at = 0;
  while (at < listed.length && !stopsAt(at)) {
    const batch = listed.slice(at, batchEnd(listed, at));
    at += batch.length;
    const read = await Promise.all(
      batch.map(async ({ runId }) => {
        const runUri = `${base}${runId}/`;
        const summary = parseRunSummary(await readTextIfExists(s3, `${runUri}${SUMMARY_FILE}`));
        return summary ? { runId, runUri, summary } : undefined;
      }),
    );
    for (const record of read) if (record && query.keep(record)) kept.push(record);
  }
  return newestFirst(kept);
}

/**
 * Where the batch of reads starting at `at` ends: after `READ_CONCURRENCY` summaries, cut back
 * to the last change of LastModified among them when there is one, so that a batch never reads
 * part of a group it would then have to finish.
 */
function batchEnd(listed: readonly ListedSummary[], at: number): number {
  const end = Math.min(at + READ_CONCURRENCY, listed.length);
  if (end === listed.length) return end;
  for (let boundary = end; boundary > at; boundary--) {
    if (listed[boundary]?.written !== listed[boundary - 1]?.written) return boundary;
  }
  return end;
}

/** Parses a summary.json; undefined when it is missing, not JSON, or has no status. */
export function parseRunSummary(text: string | undefined): RunSummary | undefined {
  if (text === undefined) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(document) || typeof document.status !== "string") return undefined;
  const execution = isRecord(document.execution) ? document.execution : {};
  const optionalText = (value: unknown) => (typeof value === "string" ? value : undefined);
  const startTime = optionalText(execution.startTime);
  const fields = {
    runId: optionalText(document.runId),
    runName: optionalText(document.runName),
    startTime,
    analysisUri: optionalText(document.analysisUri),
  };
  return {
    status: document.status,
    ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
    document,
  };
}

/** Newest start first; runs without a start time last, by folder name. */
export function newestFirst<T extends { readonly runId: string; readonly summary: RunSummary }>(
  records: readonly T[],
): T[] {
  const time = (record: T) => Date.parse(record.summary.startTime ?? "") || 0;
  return [...records].sort((x, y) => time(y) - time(x) || y.runId.localeCompare(x.runId));
}

/** `s3://bucket/prefix/` of the folder holding `runUri` (the run's output prefix). */
export function outputPrefixOf(runUri: string): string {
  const location = parseS3Uri(runUri);
  if (!location) throw new Error(`"${runUri}" is not a valid S3 URI`);
  const key = location.key.replace(/\/$/, "");
  const parent = key.includes("/") ? `${key.slice(0, key.lastIndexOf("/"))}/` : "";
  return formatS3Uri({ bucket: location.bucket, key: parent });
}

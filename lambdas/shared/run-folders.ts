/**
 * The run folders under an output prefix are the pipeline's history: no database, each run's
 * summary.json is its record. This lists them and reads their summaries (S3 List and Get only).
 */
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { isRecord } from "./is-record.ts";
import { readTextIfExists } from "./s3-objects.ts";
import { asPrefixUri, formatS3Uri, parseS3Uri } from "./s3-uri.ts";

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
const READ_CONCURRENCY = 8;

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

/**
 * A job of several instances of the builtin engine writes no analysis.json: each host writes
 * its partial counts to `output/partial/<host>.json` (contracts/partial-counts.ts). This reads
 * them all, merges them (engine/merge/merge-partials.ts, pure: no file reading, Parquet or model
 * code reaches this Lambda) and writes output/analysis.json, analysis_context.json and
 * intervals.json as one instance would have, so the rest of CollectResults reads a run folder
 * like any other.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { ANALYSIS_CONTEXT_FILE } from "../../contracts/analysis-context.ts";
import { INTERVALS_FILE } from "../../contracts/intervals.ts";
import { PARTIAL_FOLDER, type PartialCounts } from "../../contracts/partial-counts.ts";
import { EngineInputError } from "../../engine/errors.ts";
import { checkPartial, mergePartials, PartialCountsError } from "../../engine/merge/merge-partials.ts";
import { jsonFileText } from "../../engine/output/json-file-text.ts";
import { AnalysisResultError } from "../shared/errors.ts";
import { joinS3Uri, parseS3Uri } from "../shared/s3-uri.ts";
import { parseJsonDocument } from "./json-document.ts";

/** Partial files read at once. */
const READ_CONCURRENCY = 8;

export interface MergeOptions {
  /**
   * The partial files' total size this function merges at most; beyond it the run fails with
   * a clear message rather than running out of memory. Parsed and merged, the files take about
   * six times their size on the heap (`npm run bench:merge`). @default no limit
   */
  readonly maxBytes?: number;
}

/**
 * The partial files' total a function of `memoryMB` merges: an eighth of its memory (about six
 * times that is the merge's heap, the rest the runtime's and the report's).
 */
export function partialBytesLimit(memoryMB: number): number {
  return Math.floor((memoryMB * 2 ** 20) / 8);
}

/** What the merge wrote. */
export interface MergedPartials {
  readonly hosts: number;
  readonly files: number;
  readonly rowsRead: number;
  /** The objects written, in the run's output folder. */
  readonly written: readonly string[];
}

/** The files CollectResults writes into `<runUri>output/` from the partial files. */
export function mergedOutputUris(runUri: string): {
  readonly analysis: string;
  readonly context: string;
  readonly intervals: string;
} {
  return {
    analysis: joinS3Uri(runUri, "output", "analysis.json"),
    context: joinS3Uri(runUri, "output", ANALYSIS_CONTEXT_FILE),
    intervals: joinS3Uri(runUri, "output", INTERVALS_FILE),
  };
}

/**
 * Merges the partial files of `<runUri>output/partial/` into the run's output files; undefined
 * when there are none (the job was not one of several instances, or wrote nothing).
 *
 * @throws AnalysisResultError a partial file is unreadable, malformed, or not of the same job as the others
 */
export async function mergePartialResults(
  s3: S3Client,
  runUri: string,
  options: MergeOptions = {},
): Promise<MergedPartials | undefined> {
  const folderUri = joinS3Uri(runUri, "output", `${PARTIAL_FOLDER}/`);
  const listed = await listPartialFiles(s3, folderUri);
  if (listed.length === 0) return undefined;
  const bytes = listed.reduce((sum, file) => sum + file.bytes, 0);
  if (options.maxBytes !== undefined && bytes > options.maxBytes) {
    throw new AnalysisResultError(
      `the partial counts in ${folderUri} hold ${megabytes(bytes)}, more than this function can merge in its memory (${megabytes(options.maxBytes)}): they grow with the dataset's files and the distinct values of its analysed columns, not its rows; give the dataset as fewer, larger files, or give CollectResults more memory`,
    );
  }
  const uris = listed.map((file) => file.uri);
  const partials: PartialCounts[] = [];
  for (let at = 0; at < uris.length; at += READ_CONCURRENCY) {
    const batch = uris.slice(at, at + READ_CONCURRENCY);
    partials.push(...(await Promise.all(batch.map((uri) => readPartial(s3, uri, runUri)))));
  }
  let merged: ReturnType<typeof mergePartials>;
  try {
    merged = mergePartials(partials);
  } catch (error) {
    if (error instanceof PartialCountsError || error instanceof EngineInputError) {
      throw new AnalysisResultError(`the partial counts in ${folderUri} cannot be merged: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
  const target = mergedOutputUris(runUri);
  const written = [target.analysis, target.context, ...(merged.intervals ? [target.intervals] : [])];
  await putJsonFile(s3, target.analysis, merged.analysis);
  await putJsonFile(s3, target.context, merged.context);
  if (merged.intervals) await putJsonFile(s3, target.intervals, merged.intervals);
  return { hosts: merged.hosts, files: merged.files, rowsRead: merged.rowsRead, written };
}

/** The `.json` objects directly in the partial folder and their sizes, in key order. */
async function listPartialFiles(
  s3: S3Client,
  folderUri: string,
): Promise<{ readonly uri: string; readonly bytes: number }[]> {
  const location = parseS3Uri(folderUri);
  if (!location) throw new AnalysisResultError(`"${folderUri}" is not a valid S3 URI`);
  const files: { uri: string; bytes: number }[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: location.bucket,
          Prefix: location.key,
          Delimiter: "/",
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key?.endsWith(".json")) {
          files.push({ uri: `s3://${location.bucket}/${object.Key}`, bytes: object.Size ?? 0 });
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (error) {
    throw new AnalysisResultError(`cannot list ${folderUri}: ${(error as Error).message}`, { cause: error });
  }
  return files.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

async function readPartial(s3: S3Client, uri: string, runUri: string): Promise<PartialCounts> {
  const location = parseS3Uri(uri);
  let text: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: location?.bucket, Key: location?.key }));
    text = (await object.Body?.transformToString("utf-8")) ?? "";
  } catch (error) {
    throw new AnalysisResultError(`cannot read ${uri}: ${(error as Error).message}`, { cause: error });
  }
  // Messages name the file as the run folder holds it: output/partial/algo-2.json.
  const name = uri.startsWith(runUri) ? uri.slice(runUri.length) : uri;
  try {
    return checkPartial(parseJsonDocument(text, uri), name);
  } catch (error) {
    if (error instanceof PartialCountsError) {
      throw new AnalysisResultError(`a host's partial counts are not readable: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

async function putJsonFile(s3: S3Client, uri: string, value: unknown): Promise<void> {
  const location = parseS3Uri(uri);
  await s3.send(
    new PutObjectCommand({
      Bucket: location?.bucket,
      Key: location?.key,
      Body: jsonFileText(value),
      ContentType: "application/json",
    }),
  );
}

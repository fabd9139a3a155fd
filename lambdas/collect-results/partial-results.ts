/**
 * A job of several instances of the builtin engine writes no analysis.json: each host writes
 * its partial counts, a host file `output/partial/<host>.json` and a tables object per dataset
 * file `output/partial/<host>/<index>.json` (contracts/partial-counts.ts). This reads the host
 * files, then has the merge (engine/merge/merge-partials.ts, pure: no file reading, Parquet or
 * model code reaches this Lambda) fold the tables objects it reads from S3 a few at a time in
 * the dataset's file order, and writes output/analysis.json, analysis_context.json and
 * intervals.json as one instance would have, so the rest of CollectResults reads a run folder
 * like any other. Its memory grows with the size of one tables object, not with the files.
 */
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { ANALYSIS_CONTEXT_FILE } from "../../contracts/analysis-context.ts";
import { INTERVALS_FILE } from "../../contracts/intervals.ts";
import { isRecord } from "../../contracts/is-record.ts";
import { PARTIAL_FOLDER, type PartialCounts } from "../../contracts/partial-counts.ts";
import { joinS3Uri, parseS3Uri } from "../../contracts/s3-uri.ts";
import { EngineInputError } from "../../engine/errors.ts";
import { byName } from "../../engine/io/name-order.ts";
import { byteSize } from "../../engine/merge/byte-size.ts";
import {
  checkPartial,
  mergePartials,
  PartialCountsError,
  TABLES_LOOK_AHEAD,
} from "../../engine/merge/merge-partials.ts";
import { AnalysisResultError } from "../shared/errors.ts";
import { putJson } from "../shared/s3-objects.ts";
import { textUpload } from "../shared/s3-text-upload.ts";
import { parseJsonDocument } from "./json-document.ts";

/** Host files read at once. */
const READ_CONCURRENCY = 8;

/**
 * The heap a parsed tables object takes, and the running merge of objects of its size, per byte
 * of its JSON (`npm run bench:merge`).
 */
const TABLES_HEAP_FACTOR = 6;

export interface MergeOptions {
  /**
   * The size of one tables object this function merges at most; beyond it the run fails with a
   * clear message rather than running out of memory. @default no limit
   */
  readonly maxTablesBytes?: number;
  /**
   * The function's time left, in ms (Lambda's `getRemainingTimeInMillis`): the merge stops with a
   * clear message while MERGE_TIME_RESERVE_MS are left for the report and summary, rather than
   * the function timing out mid-merge. @default no limit
   */
  readonly remainingMs?: () => number;
  /**
   * The memory agg_method "median" may hold the hosts' local SHAP values in (every row's value
   * per label and explained feature); beyond it the run fails with a clear message. @default no limit
   */
  readonly maxShapBytes?: number;
}

/** Time kept for what follows the merge (writing the outputs, gates, report, summary). */
export const MERGE_TIME_RESERVE_MS = 15_000;

/**
 * The tables object a function of `memoryMB` merges: the merge holds the objects loading ahead
 * (TABLES_LOOK_AHEAD), the one it folds and the running merge, each about TABLES_HEAP_FACTOR
 * times an object's size on the heap, in half the function's memory (the rest is the runtime's
 * and the report's).
 */
export function tablesBytesLimit(memoryMB: number): number {
  return Math.floor((memoryMB * 2 ** 20) / 2 / (TABLES_HEAP_FACTOR * (TABLES_LOOK_AHEAD + 2)));
}

/**
 * The local SHAP values a function of `memoryMB` holds for agg_method "median": a quarter of its
 * memory (the values' columns are allocated once, to the rows the hosts explained).
 */
export function shapBytesLimit(memoryMB: number): number {
  return Math.floor((memoryMB * 2 ** 20) / 4);
}

/**
 * The time agg_method "median" sorts its values in after the last object, per million values:
 * bench:shap-merge's median takes about 125 ns more per value than mean_abs on one core of the
 * development machine, doubled for the Lambda function's 0.6 of a core at 1024 MiB.
 */
export const MEDIAN_SORT_MS_PER_MILLION_VALUES = 250;

/** The time to keep for median's sort of every host's local values (0 for the other methods). */
export function medianSortMs(partials: readonly PartialCounts[]): number {
  const methods = partials[0]?.config.methods;
  const shap = isRecord(methods) && isRecord(methods.shap) ? methods.shap : undefined;
  if (shap?.agg_method !== "median") return 0;
  let values = 0;
  for (const { explanations } of partials) {
    if (explanations)
      values += explanations.rowsExplained * explanations.labels.length * explanations.features.length;
  }
  return Math.ceil((values / 1e6) * MEDIAN_SORT_MS_PER_MILLION_VALUES);
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
  readonly localShapValues: string;
} {
  return {
    analysis: joinS3Uri(runUri, "output", "analysis.json"),
    context: joinS3Uri(runUri, "output", ANALYSIS_CONTEXT_FILE),
    intervals: joinS3Uri(runUri, "output", INTERVALS_FILE),
    localShapValues: joinS3Uri(runUri, "output", "explanations_shap/out.csv"),
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
  const uris = await listHostFiles(s3, folderUri);
  if (uris.length === 0) return undefined;
  const partials: PartialCounts[] = [];
  for (let at = 0; at < uris.length; at += READ_CONCURRENCY) {
    const batch = uris.slice(at, at + READ_CONCURRENCY);
    partials.push(...(await Promise.all(batch.map((uri) => readHostFile(s3, uri, runUri)))));
  }
  const total = partials.reduce(
    (sum, partial) =>
      sum + partial.files.reduce((n, file) => n + (file.tables ? 1 : 0) + (file.shap ? 1 : 0), 0),
    0,
  );
  let requested = 0;
  // What follows the last object: the outputs, gates, report and summary, and median's sort.
  const reserve = MERGE_TIME_RESERVE_MS + medianSortMs(partials);
  const timeLeft = () => {
    const left = options.remainingMs?.();
    return left !== undefined && left < reserve ? left : undefined;
  };
  const inTime = () => {
    requested++;
    const left = timeLeft();
    if (left !== undefined) {
      throw new AnalysisResultError(
        `the merge of the partial counts in ${folderUri} stopped at object ${requested} of ${total}: the function has ${Math.round(left / 1000)} s left; the merge's time grows with the dataset's files: give the dataset as fewer, larger files, or give CollectResults more memory (more CPU)`,
      );
    }
  };
  // A local values object grows with its file's rows: the time is watched as its pieces come.
  const shapInTime = (object: string) => {
    const left = timeLeft();
    if (left !== undefined) {
      throw new AnalysisResultError(
        `the merge of the partial counts in ${folderUri} stopped in object ${requested} of ${total} (${object}): the function has ${Math.round(left / 1000)} s left; the merge of local SHAP values takes time with the rows explained × labels × explained features: explain fewer features (features_to_explain), or give CollectResults more memory (more CPU)`,
      );
    }
  };
  const loadTables = (object: string) => {
    inTime();
    return readTablesObject(s3, joinS3Uri(runUri, "output", object), options.maxTablesBytes);
  };
  const loadShap = async (object: string) => {
    inTime();
    const pieces = await readObjectPieces(s3, joinS3Uri(runUri, "output", object));
    return (async function* () {
      for await (const piece of pieces) {
        shapInTime(object);
        yield piece;
      }
    })();
  };
  const target = mergedOutputUris(runUri);
  const localValues = textUpload(s3, target.localShapValues, "text/csv");
  let merged: Awaited<ReturnType<typeof mergePartials>>;
  try {
    merged = await mergePartials(partials, loadTables, {
      loadShap,
      writeLocalValues: (piece) => localValues.write(piece),
      ...(options.maxShapBytes !== undefined && { maxShapBytes: options.maxShapBytes }),
    });
    if (merged.explained?.localValues) await localValues.close();
  } catch (error) {
    await localValues.abort().catch(() => {});
    // The dataset or config refused as one instance refuses them: one instance's very words.
    if (error instanceof EngineInputError) throw new AnalysisResultError(error.message, { cause: error });
    if (error instanceof PartialCountsError) {
      throw new AnalysisResultError(`the partial counts in ${folderUri} cannot be merged: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
  const written = [
    ...(merged.explained?.localValues ? [target.localShapValues] : []),
    target.analysis,
    target.context,
    ...(merged.intervals ? [target.intervals] : []),
  ];
  // analysis.json last: its presence is what tells a retried CollectResults the merge is done,
  // so it must not exist without the context (whose warnings fail gates), the intervals and out.csv.
  await putJson(s3, target.context, merged.context);
  if (merged.intervals) await putJson(s3, target.intervals, merged.intervals);
  await putJson(s3, target.analysis, merged.analysis);
  return { hosts: merged.hosts, files: merged.files, rowsRead: merged.rowsRead, written };
}

/** The host files: the `.json` objects directly in the partial folder (not the hosts' folders of tables objects), in key order. */
async function listHostFiles(s3: S3Client, folderUri: string): Promise<string[]> {
  const location = parseS3Uri(folderUri);
  if (!location) throw new AnalysisResultError(`"${folderUri}" is not a valid S3 URI`);
  const uris: string[] = [];
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
        if (object.Key?.endsWith(".json")) uris.push(`s3://${location.bucket}/${object.Key}`);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (error) {
    throw new AnalysisResultError(`cannot list ${folderUri}: ${(error as Error).message}`, { cause: error });
  }
  return uris.sort(byName);
}

async function readHostFile(s3: S3Client, uri: string, runUri: string): Promise<PartialCounts> {
  const text = await readObjectText(s3, uri);
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

/** A tables object, parsed; refused unread when it is larger than `maxBytes`. */
async function readTablesObject(s3: S3Client, uri: string, maxBytes: number | undefined): Promise<unknown> {
  const text = await readObjectText(s3, uri, (bytes) => {
    if (maxBytes !== undefined && bytes > maxBytes) {
      throw new AnalysisResultError(
        `${uri} holds ${byteSize(bytes)} of count tables, more than this function merges at once (${byteSize(maxBytes)}): a tables object grows with the distinct values of the analysed columns (up to 10,000 each) and their length, not with the rows or the number of files; give CollectResults more memory`,
      );
    }
  });
  return parseJsonDocument(text, uri);
}

/** An object's text as it arrives, piece by piece (a local SHAP values object may be larger than this function's memory). */
async function readObjectPieces(s3: S3Client, uri: string): Promise<AsyncIterable<string>> {
  const object = await getObject(s3, uri);
  const body = object.Body as AsyncIterable<Uint8Array> | undefined;
  return (async function* () {
    if (body === undefined) return;
    const decoder = new TextDecoder("utf-8");
    try {
      for await (const chunk of body) yield decoder.decode(chunk, { stream: true });
    } catch (error) {
      throw new AnalysisResultError(`cannot read ${uri}: ${(error as Error).message}`, { cause: error });
    }
    const rest = decoder.decode();
    if (rest !== "") yield rest;
  })();
}

/** The object at `uri`, its body not yet read; a failure is an AnalysisResultError naming it. */
async function getObject(s3: S3Client, uri: string): Promise<GetObjectCommandOutput> {
  const location = parseS3Uri(uri);
  try {
    return await s3.send(new GetObjectCommand({ Bucket: location?.bucket, Key: location?.key }));
  } catch (error) {
    throw new AnalysisResultError(`cannot read ${uri}: ${(error as Error).message}`, { cause: error });
  }
}

/** An object's text; `checkSize` sees its size before its body is read. */
async function readObjectText(
  s3: S3Client,
  uri: string,
  checkSize: (bytes: number) => void = () => {},
): Promise<string> {
  const object = await getObject(s3, uri);
  try {
    checkSize(object.ContentLength ?? 0);
  } catch (error) {
    // The body is not read: release its connection.
    (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw error;
  }
  try {
    return (await object.Body?.transformToString("utf-8")) ?? "";
  } catch (error) {
    throw new AnalysisResultError(`cannot read ${uri}: ${(error as Error).message}`, { cause: error });
  }
}

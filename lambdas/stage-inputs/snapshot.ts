/**
 * Snapshots a run's inputs into `<runUri>input/`, so the job reads an immutable copy
 * and the run folder says exactly what was analysed.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { DatasetLocation, NormalizedRun } from "../../contracts/pipeline-state.ts";
import {
  formatS3Uri,
  joinS3Uri,
  parseS3Uri,
  type S3Location,
  unsafeKeySegment,
} from "../../contracts/s3-uri.ts";
import { StagingError } from "../shared/errors.ts";
import { putJson } from "../shared/s3-objects.ts";
import { mapWithConcurrency } from "./bounded-concurrency.ts";
import {
  asStagingError,
  type CopyOptions,
  type CopyOutcome,
  copyObjectIdempotent,
  headOrUndefined,
  type SourceObject,
} from "./s3-copy.ts";

/** Dependencies and tuning of the snapshot. */
export interface SnapshotOptions extends CopyOptions {
  readonly s3: S3Client;
  /** Objects copied at once. */
  readonly copyConcurrency: number;
  /** Buckets a manifest may point into (the confused-deputy guard). */
  readonly allowedBuckets: readonly string[];
}

/** What a snapshot did: counts let callers and tests see that a retry copied nothing. */
export interface SnapshotStats {
  copied: number;
  skipped: number;
}

/** Snapshot file name of the analysis configuration; Clarify looks for exactly this name. */
export const CONFIG_FILE = "analysis_config.json";

/** Writes `<runUri>input/analysis_config.json`; returns its URI. */
export async function snapshotAnalysisConfig(
  run: NormalizedRun,
  options: SnapshotOptions,
  stats: SnapshotStats,
): Promise<string> {
  const targetUri = joinS3Uri(run.runUri, "input", CONFIG_FILE);
  const target = location(targetUri);
  if ("inline" in run.analysisConfig) {
    try {
      await putJson(options.s3, targetUri, run.analysisConfig.inline);
    } catch (error) {
      throw asStagingError(error, `cannot write the analysis config snapshot ${targetUri}`);
    }
    return targetUri;
  }
  const { s3Uri: sourceUri, eTag: validated } = run.analysisConfig;
  const source = await describeSource(options.s3, location(sourceUri), "analysis config");
  // Only the version ValidateConfig read may be analysed: a config replaced in between was never validated.
  if (validated && source.eTag !== validated) throw configChanged(sourceUri, validated, source.eTag);
  try {
    count(
      stats,
      await copyObjectIdempotent(options.s3, source, target, {
        ...options,
        ...(validated ? { ifMatch: validated } : {}),
      }),
    );
  } catch (error) {
    if (validated && error instanceof StagingError && isPreconditionFailure(error.cause)) {
      throw configChanged(sourceUri, validated);
    }
    throw error;
  }
  return targetUri;
}

function configChanged(uri: string, validated: string, now?: string): StagingError {
  return new StagingError(
    `the analysis config ${uri} changed after it was validated (ETag ${validated} when validated${now ? `, ${now} now` : ""}); it is not copied: start a new execution to validate and run the new version`,
  );
}

function isPreconditionFailure(error: unknown): boolean {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return failure?.name === "PreconditionFailed" || failure?.$metadata?.httpStatusCode === 412;
}

/** Copies the dataset under `<runUri>input/dataset/`; returns where the job should read it. */
export async function snapshotDataset(
  run: NormalizedRun,
  dataset: DatasetLocation,
  options: SnapshotOptions,
  stats: SnapshotStats,
): Promise<DatasetLocation> {
  const datasetUri = joinS3Uri(run.runUri, "input", "dataset/");
  if (dataset.s3DataType === "ManifestFile") {
    return {
      s3DataType: "ManifestFile",
      s3Uri: await snapshotManifest(dataset.s3Uri, datasetUri, options, stats),
    };
  }
  return { s3DataType: "S3Prefix", s3Uri: await snapshotPrefix(dataset.s3Uri, datasetUri, options, stats) };
}

/**
 * An S3Prefix URI matches every key that starts with it, whether it names one object
 * (`data/train.csv`) or a folder (`data/`). Keys are copied relative to the URI's last
 * `/`, and the returned URI keeps the trailing partial segment, so the copy matches
 * exactly what the original matched and the container sees the same file names.
 */
async function snapshotPrefix(
  sourceUri: string,
  targetPrefixUri: string,
  options: SnapshotOptions,
  stats: SnapshotStats,
): Promise<string> {
  const source = location(sourceUri);
  const folder = source.key.slice(0, source.key.lastIndexOf("/") + 1);
  const partial = source.key.slice(folder.length);
  const objects = await listObjects(options.s3, source);
  if (objects.length === 0) {
    throw new StagingError(`dataset ${sourceUri}: no object found under this S3 URI`);
  }
  const target = location(targetPrefixUri);
  await copyAll(
    objects.map((object) => ({ source: object, relativeKey: object.location.key.slice(folder.length) })),
    target,
    options,
    stats,
  );
  return `${targetPrefixUri}${partial}`;
}

/**
 * A manifest (`[{"prefix": "s3://..."}, "relative/key", ...]`) lists the objects to read.
 * Each one is copied under `<target>data/`, and the manifest is rewritten with its prefix
 * pointing at the copies; relative keys stay as they were, so file names do too.
 */
async function snapshotManifest(
  manifestUri: string,
  targetPrefixUri: string,
  options: SnapshotOptions,
  stats: SnapshotStats,
): Promise<string> {
  const manifest = parseManifest(manifestUri, await readText(options.s3, location(manifestUri), "manifest"));
  const prefix = location(manifest.prefix);
  if (!options.allowedBuckets.includes(prefix.bucket)) {
    throw new StagingError(
      `manifest ${manifestUri}: prefix ${manifest.prefix} is in bucket "${prefix.bucket}", which is not one of the allowed buckets (${options.allowedBuckets.join(", ")})`,
    );
  }
  const folder = prefix.key.slice(0, prefix.key.lastIndexOf("/") + 1);
  const partial = prefix.key.slice(folder.length);
  const dataPrefixUri = joinS3Uri(targetPrefixUri, "data/");
  const entries = await mapWithConcurrency(manifest.keys, options.copyConcurrency, async (relativeKey) => {
    const objectLocation = { bucket: prefix.bucket, key: `${prefix.key}${relativeKey}` };
    return {
      source: await describeSource(options.s3, objectLocation, `object listed by manifest ${manifestUri}`),
      relativeKey: `${partial}${relativeKey}`,
    };
  });
  await copyAll(entries, location(dataPrefixUri), options, stats);

  const rewrittenUri = joinS3Uri(targetPrefixUri, "manifest.json");
  const rewritten = location(rewrittenUri);
  const body = `${JSON.stringify([{ prefix: `${dataPrefixUri}${partial}` }, ...manifest.keys])}\n`;
  try {
    await options.s3.send(
      new PutObjectCommand({
        Bucket: rewritten.bucket,
        Key: rewritten.key,
        Body: body,
        ContentType: "application/json",
      }),
    );
  } catch (error) {
    throw asStagingError(error, `cannot write the rewritten manifest ${rewrittenUri}`);
  }
  return rewrittenUri;
}

/** A parsed SageMaker manifest file. */
export interface Manifest {
  readonly prefix: string;
  readonly keys: readonly string[];
}

/** Parses and checks a SageMaker manifest; the error names the manifest and the rule broken. */
export function parseManifest(manifestUri: string, text: string): Manifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StagingError(`manifest ${manifestUri} is not valid JSON: ${(error as Error).message}`);
  }
  const rule =
    'a JSON array whose first element is {"prefix": "s3://bucket/prefix/"} followed by relative keys';
  if (!Array.isArray(parsed) || parsed.length < 2) {
    throw new StagingError(`manifest ${manifestUri} must be ${rule}, with at least one key`);
  }
  const [head, ...keys] = parsed as unknown[];
  const prefix = (head as { prefix?: unknown } | null)?.prefix;
  const prefixLocation = typeof prefix === "string" ? parseS3Uri(prefix) : undefined;
  if (typeof prefix !== "string" || !prefixLocation) {
    throw new StagingError(`manifest ${manifestUri}: first element must be {"prefix": "s3://..."} (${rule})`);
  }
  if (unsafeKeySegment(prefixLocation.key) !== undefined) {
    throw new StagingError(
      `manifest ${manifestUri}: prefix "${prefix}" has a ".", ".." or empty segment in its key; name the prefix directly`,
    );
  }
  keys.forEach((key, index) => {
    if (typeof key !== "string" || key === "") {
      throw new StagingError(
        `manifest ${manifestUri}: element ${index + 1} must be a non-empty relative key`,
      );
    }
    if (unsafeKeySegment(key) !== undefined) {
      throw new StagingError(
        `manifest ${manifestUri}: element ${index + 1} "${key}" must be relative to the prefix (no leading "/", no ".", ".." or empty segments)`,
      );
    }
  });
  return { prefix, keys: keys as string[] };
}

async function copyAll(
  entries: readonly { source: SourceObject; relativeKey: string }[],
  target: S3Location,
  options: SnapshotOptions,
  stats: SnapshotStats,
): Promise<void> {
  await mapWithConcurrency(entries, options.copyConcurrency, async (entry) => {
    const destination = { bucket: target.bucket, key: `${target.key}${entry.relativeKey}` };
    count(stats, await copyObjectIdempotent(options.s3, entry.source, destination, options));
  });
}

async function listObjects(s3: S3Client, prefix: S3Location): Promise<SourceObject[]> {
  const objects: SourceObject[] = [];
  let continuationToken: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.send(
        new ListObjectsV2Command({
          Bucket: prefix.bucket,
          Prefix: prefix.key,
          ContinuationToken: continuationToken,
        }),
      );
    } catch (error) {
      throw asStagingError(error, `cannot list the dataset ${formatS3Uri(prefix)}`);
    }
    for (const object of page.Contents ?? []) {
      // Zero-byte "folder" markers are console artefacts, not data.
      if (!object.Key || object.Key.endsWith("/")) continue;
      objects.push({
        location: { bucket: prefix.bucket, key: object.Key },
        size: object.Size ?? 0,
        eTag: object.ETag ?? "",
      });
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken);
  return objects;
}

async function describeSource(s3: S3Client, source: S3Location, role: string): Promise<SourceObject> {
  const head = await headOrUndefined(s3, source, role);
  if (!head) throw new StagingError(`${role} ${formatS3Uri(source)}: the object does not exist`);
  return { location: source, size: head.ContentLength ?? 0, eTag: head.ETag ?? "" };
}

async function readText(s3: S3Client, source: S3Location, role: string): Promise<string> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: source.key }));
    return (await object.Body?.transformToString("utf-8")) ?? "";
  } catch (error) {
    throw asStagingError(error, `cannot read the ${role} ${formatS3Uri(source)}`);
  }
}

function location(uri: string): S3Location {
  const parsed = parseS3Uri(uri);
  if (!parsed) throw new StagingError(`"${uri}" is not a valid S3 URI (s3://bucket/key)`);
  return parsed;
}

function count(stats: SnapshotStats, outcome: CopyOutcome): void {
  if (outcome === "copied") stats.copied++;
  else stats.skipped++;
}

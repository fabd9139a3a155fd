import {
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { ParquetFormatError } from "../../contracts/parquet-footer.ts";
import { formatS3Uri, parseS3Uri, type S3Location, unsafeKeySegment } from "../../contracts/s3-uri.ts";
import { isDataPartName, parquetFooterColumns } from "./parquet-sample.ts";
import type { DatasetSample, SampleFormat, SourceReader } from "./preflight.ts";
import { SAMPLE_BYTES } from "./preflight.ts";
import { isRecord, type Problems } from "./problems.ts";

/** S3 answers that mean "the input points at nothing usable", as opposed to an outage. */
const INPUT_ERRORS = new Set([
  "NoSuchKey",
  "NoSuchBucket",
  "NotFound",
  "AccessDenied",
  "InvalidRange",
  "Forbidden",
]);

class SourceProblem extends Error {}

async function getText(s3: S3Client, location: S3Location): Promise<string> {
  return new TextDecoder().decode(await getBytes(s3, location));
}

async function getBytes(s3: S3Client, location: S3Location, range?: string): Promise<Uint8Array> {
  return (await getObject(s3, location, range)).bytes;
}

async function getObject(
  s3: S3Client,
  location: S3Location,
  range?: string,
): Promise<{ bytes: Uint8Array; eTag?: string }> {
  try {
    const response = await s3.send(
      new GetObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        ...(range ? { Range: range } : {}),
      }),
    );
    const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array(0);
    return { bytes, ...(response.ETag ? { eTag: response.ETag } : {}) };
  } catch (error) {
    throw asSourceProblem(error, formatS3Uri(location));
  }
}

async function objectSize(s3: S3Client, location: S3Location): Promise<number> {
  try {
    const response = await s3.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
    return response.ContentLength ?? 0;
  } catch (error) {
    throw asSourceProblem(error, formatS3Uri(location));
  }
}

/** A Parquet object's columns from its footer: two ranged GETs, never the data. */
async function parquetSample(s3: S3Client, object: S3Object): Promise<DatasetSample> {
  const source = formatS3Uri(object);
  const size = object.size ?? (await objectSize(s3, object));
  try {
    const columns = await parquetFooterColumns(
      size,
      (start, end) => getBytes(s3, object, `bytes=${start}-${end}`),
      source,
    );
    return { columns, source };
  } catch (error) {
    if (error instanceof ParquetFormatError) {
      throw new SourceProblem(`${error.message}, but dataset_type is application/x-parquet`);
    }
    throw error;
  }
}

function asSourceProblem(error: unknown, uri: string): unknown {
  if (error instanceof S3ServiceException && INPUT_ERRORS.has(error.name)) {
    const reason =
      error.name === "AccessDenied" || error.name === "Forbidden" ? "access is denied" : "it does not exist";
    return new SourceProblem(`${uri} cannot be read: ${reason} (${error.name})`);
  }
  return error;
}

/**
 * Reads run sources from S3: GetObject for the config, a ranged GetObject for the dataset
 * sample. `allowedBuckets` guards the one location the static rules cannot see: the
 * prefix a manifest points at, which is refused before anything is read from it.
 */
export function s3SourceReader(
  s3: S3Client,
  allowedBuckets?: readonly string[],
  /** Filled with the ETag of each analysis config read, by URI: staging copies only that version. */
  configETags?: Map<string, string>,
): SourceReader {
  const guarded = async <T>(
    path: string,
    problems: Problems,
    read: () => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof SourceProblem)) throw error;
      problems.add(path, error.message);
      return undefined;
    }
  };
  return {
    readConfig: (field, problems) =>
      guarded(field.path, problems, async () => {
        const location = parseS3Uri(field.value) as S3Location;
        const object = await getObject(s3, location);
        if (object.eTag) configETags?.set(field.value, object.eTag);
        const text = new TextDecoder().decode(object.bytes);
        try {
          return JSON.parse(text) as unknown;
        } catch (error) {
          throw new SourceProblem(`${field.value} is not valid JSON: ${(error as Error).message}`);
        }
      }),
    sampleDataset: (field, s3DataType, problems, format) =>
      guarded(field.path, problems, async (): Promise<DatasetSample> => {
        const location = parseS3Uri(field.value) as S3Location;
        const first =
          s3DataType === "ManifestFile"
            ? await firstManifestEntry(s3, location, allowedBuckets)
            : await firstObject(s3, location, format);
        if (format === "parquet") return parquetSample(s3, first);
        return {
          bytes: await getBytes(s3, first, `bytes=0-${SAMPLE_BYTES - 1}`),
          source: formatS3Uri(first),
        };
      }),
  };
}

/** An object, with its size when the listing told it. */
type S3Object = S3Location & { readonly size?: number };

/**
 * S3Prefix: the URI is an object key or a key prefix; the first object under it is the sample
 * (for Parquet, the first part file: `_SUCCESS` and `_metadata` markers are passed over).
 */
async function firstObject(s3: S3Client, location: S3Location, format: SampleFormat): Promise<S3Object> {
  let contents: { Key?: string; Size?: number }[] | undefined;
  try {
    const listing = await s3.send(
      new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.key, MaxKeys: 100 }),
    );
    contents = listing.Contents;
  } catch (error) {
    throw asSourceProblem(error, formatS3Uri(location));
  }
  // Zero-byte "folder" markers end with `/` and hold no data.
  const object = contents?.find(({ Key: name = "" }) =>
    format === "parquet" ? isDataPartName(name, location.key) : name !== "" && !name.endsWith("/"),
  );
  if (!object?.Key)
    throw new SourceProblem(
      `no object found under ${formatS3Uri(location)}; the dataset is empty or missing`,
    );
  return {
    bucket: location.bucket,
    key: object.Key,
    ...(object.Size !== undefined && { size: object.Size }),
  };
}

/** ManifestFile: `[{"prefix": "s3://bucket/prefix/"}, "relative/key", ...]`; the first listed object is the sample. */
async function firstManifestEntry(
  s3: S3Client,
  location: S3Location,
  allowedBuckets: readonly string[] | undefined,
): Promise<S3Location> {
  const uri = formatS3Uri(location);
  let manifest: unknown;
  try {
    manifest = JSON.parse(await getText(s3, location));
  } catch (error) {
    if (error instanceof SourceProblem) throw error;
    throw new SourceProblem(`the manifest ${uri} is not valid JSON`);
  }
  const head = Array.isArray(manifest) ? manifest[0] : undefined;
  const entry = Array.isArray(manifest) ? manifest[1] : undefined;
  const prefix = isRecord(head) && typeof head.prefix === "string" ? parseS3Uri(head.prefix) : undefined;
  if (!prefix || typeof entry !== "string") {
    throw new SourceProblem(
      `the manifest ${uri} must be [{"prefix": "s3://bucket/prefix/"}, "key", ...] with at least one object`,
    );
  }
  // The same rule as for every URI a run names: the sample must not be read from outside the prefix.
  if (unsafeKeySegment(prefix.key) !== undefined || unsafeKeySegment(entry) !== undefined) {
    throw new SourceProblem(
      `the manifest ${uri} names "${unsafeKeySegment(prefix.key) !== undefined ? head.prefix : entry}", whose key has a ".", ".." or empty segment; a manifest's prefix and keys must be plain names`,
    );
  }
  if (allowedBuckets && !allowedBuckets.includes(prefix.bucket)) {
    throw new SourceProblem(
      `the manifest ${uri} points at bucket "${prefix.bucket}", which is not allowed for this deployment (allowed: ${allowedBuckets.join(", ") || "none"}); ask the deployer to add it`,
    );
  }
  return { bucket: prefix.bucket, key: `${prefix.key}${entry}` };
}

/**
 * The region of each bucket, where S3 tells (GetBucketLocation); buckets it will not
 * describe are skipped, since the job role may read them without this permission.
 */
export async function bucketRegions(s3: S3Client, buckets: Iterable<string>): Promise<Map<string, string>> {
  const regions = new Map<string, string>();
  for (const bucket of new Set(buckets)) {
    try {
      const response = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
      // An empty constraint means us-east-1; "EU" is the legacy name of eu-west-1.
      const constraint = response.LocationConstraint as string | undefined;
      regions.set(bucket, !constraint ? "us-east-1" : constraint === "EU" ? "eu-west-1" : constraint);
    } catch {
      // Unknowable here; the job itself will report a cross-region bucket.
    }
  }
  return regions;
}

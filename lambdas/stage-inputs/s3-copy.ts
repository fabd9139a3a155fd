/**
 * Idempotent server-side S3 copies: a destination that already holds the source's
 * bytes is left alone, so a retried StageInputs step copies nothing twice.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  type S3Client,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { formatS3Uri, type S3Location } from "../../contracts/s3-uri.ts";
import { StagingError } from "../shared/errors.ts";
import { isNotFound } from "../shared/s3-objects.ts";
import { mapWithConcurrency } from "./bounded-concurrency.ts";

/** CopyObject's hard limit: larger objects must be copied part by part. */
export const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
/** Part size of multipart copies; raised when needed to stay within 10,000 parts. */
export const DEFAULT_PART_SIZE_BYTES = 512 * 1024 ** 2;
const MAX_PARTS = 10_000;
const PART_COPY_CONCURRENCY = 4;

/**
 * User metadata key recording the source ETag on every copy. A multipart copy (or an
 * SSE-KMS object) gets an ETag unlike its source's, so the ETag alone cannot prove
 * that a destination is already a faithful copy.
 */
export const SOURCE_ETAG_METADATA = "clarify-source-etag";

/** What is known about a source object before copying it. */
export interface SourceObject {
  readonly location: S3Location;
  readonly size: number;
  readonly eTag: string;
}

/** Tuning of the copies; the defaults are S3's limits. */
export interface CopyOptions {
  /**
   * Copy only this version of the source (`CopySourceIfMatch`): a source replaced since it was
   * read fails the copy instead of being copied.
   * @default the source's ETag for multipart copies (parts of one version), none for single copies
   */
  readonly ifMatch?: string;
  /**
   * Objects strictly larger than this are copied with UploadPartCopy.
   * @default 5 GiB (CopyObject's limit)
   */
  readonly multipartThresholdBytes?: number;
  /**
   * Size of each copied part.
   * @default 512 MiB, raised to keep at most 10,000 parts
   */
  readonly partSizeBytes?: number;
}

/** Outcome of one copy: `skipped` when the destination already held the source. */
export type CopyOutcome = "copied" | "skipped";

/** Copies `source` to `destination` unless the destination already holds the same bytes. */
export async function copyObjectIdempotent(
  s3: S3Client,
  source: SourceObject,
  destination: S3Location,
  options: CopyOptions = {},
): Promise<CopyOutcome> {
  const existing = await headOrUndefined(s3, destination, "destination");
  if (existing && isCopyOf(existing, source)) return "skipped";

  const threshold = options.multipartThresholdBytes ?? MAX_SINGLE_COPY_BYTES;
  const sourceHead = await headOrUndefined(s3, source.location, "source");
  if (!sourceHead) {
    throw new StagingError(`cannot copy ${formatS3Uri(source.location)}: the object does not exist`);
  }
  const metadata = { ...(sourceHead.Metadata ?? {}), [SOURCE_ETAG_METADATA]: source.eTag };
  try {
    if (source.size > threshold) {
      await multipartCopy(s3, source, destination, metadata, sourceHead.ContentType, options);
    } else {
      await s3.send(
        new CopyObjectCommand({
          Bucket: destination.bucket,
          Key: destination.key,
          CopySource: copySource(source.location),
          ...(options.ifMatch ? { CopySourceIfMatch: options.ifMatch } : {}),
          MetadataDirective: "REPLACE",
          Metadata: metadata,
          ContentType: sourceHead.ContentType,
        }),
      );
    }
  } catch (error) {
    throw asStagingError(error, `cannot copy ${formatS3Uri(source.location)} to ${formatS3Uri(destination)}`);
  }
  return "copied";
}

/** HEADs an object; undefined when it does not exist, a StagingError for any other failure. */
export async function headOrUndefined(
  s3: S3Client,
  location: S3Location,
  role: string,
): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw asStagingError(error, `cannot read the ${role} ${formatS3Uri(location)}`);
  }
}

/** Wraps an SDK error in a StagingError whose message names the URI and the S3 reason. */
export function asStagingError(error: unknown, context: string): StagingError {
  if (error instanceof StagingError) return error;
  const name = (error as { name?: string } | undefined)?.name ?? "Error";
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  let reason = (error as { message?: string } | undefined)?.message || name;
  if (name === "PreconditionFailed" || status === 412) {
    reason = "the source object changed since it was read (its ETag no longer matches)";
  } else if (name === "AccessDenied" || name === "Forbidden" || status === 403) {
    reason = "access denied (check the bucket policy and the step's IAM role)";
  } else if (name === "NoSuchBucket") {
    reason = "the bucket does not exist";
  } else if (isNotFound(error)) {
    reason = "the object does not exist";
  }
  return new StagingError(`${context}: ${reason}`, { cause: error });
}

function isCopyOf(existing: HeadObjectCommandOutput, source: SourceObject): boolean {
  if (existing.ContentLength !== source.size) return false;
  return existing.ETag === source.eTag || existing.Metadata?.[SOURCE_ETAG_METADATA] === source.eTag;
}

function copySource(location: S3Location): string {
  // CopySource is `bucket/key`, URL-encoded except for the separators.
  return `${location.bucket}/${location.key.split("/").map(encodeURIComponent).join("/")}`;
}

/** Byte ranges (inclusive) of the parts of an object of `size` bytes. */
export function partRanges(size: number, partSizeBytes: number): { first: number; last: number }[] {
  const partSize = Math.max(partSizeBytes, Math.ceil(size / MAX_PARTS));
  const ranges: { first: number; last: number }[] = [];
  for (let first = 0; first < size; first += partSize) {
    ranges.push({ first, last: Math.min(first + partSize, size) - 1 });
  }
  return ranges;
}

async function multipartCopy(
  s3: S3Client,
  source: SourceObject,
  destination: S3Location,
  metadata: Record<string, string>,
  contentType: string | undefined,
  options: CopyOptions,
): Promise<void> {
  const upload = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: destination.bucket,
      Key: destination.key,
      Metadata: metadata,
      ContentType: contentType,
    }),
  );
  const uploadId = upload.UploadId;
  if (!uploadId) throw new StagingError(`S3 returned no UploadId for ${formatS3Uri(destination)}`);
  try {
    const ranges = partRanges(source.size, options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES);
    const parts = await mapWithConcurrency(ranges, PART_COPY_CONCURRENCY, async (range, index) => {
      const partNumber = index + 1;
      const result = await s3.send(
        new UploadPartCopyCommand({
          Bucket: destination.bucket,
          Key: destination.key,
          UploadId: uploadId,
          PartNumber: partNumber,
          CopySource: copySource(source.location),
          CopySourceRange: `bytes=${range.first}-${range.last}`,
          // A source replaced mid-copy would yield a chimera: insist on the listed version.
          CopySourceIfMatch: options.ifMatch ?? source.eTag,
        }),
      );
      return { PartNumber: partNumber, ETag: result.CopyPartResult?.ETag };
    });
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: destination.bucket,
        Key: destination.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    // Unfinished uploads keep billing storage until aborted.
    await s3
      .send(
        new AbortMultipartUploadCommand({
          Bucket: destination.bucket,
          Key: destination.key,
          UploadId: uploadId,
        }),
      )
      .catch(() => undefined);
    throw error;
  }
}

/**
 * A text object written to S3 piece by piece, holding at most one part in memory: one PutObject
 * when the whole text fits in a part, else a multipart upload of parts of {@link PART_BYTES},
 * aborted when the caller fails. A function that dies mid-upload cannot abort it: the artifacts
 * bucket's lifecycle rule (lib/clarify-pipeline.ts) drops such parts after a day.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { parseS3Uri } from "../../contracts/s3-uri.ts";

/** S3's smallest part (but the last) is 5 MiB; 8 MiB keeps a 10,000-part upload at 80 GB. */
export const PART_BYTES = 8 * 2 ** 20;

export interface TextUpload {
  write(piece: string): Promise<void>;
  /** Writes what is left and completes the object. */
  close(): Promise<void>;
  /** Drops the object's parts uploaded so far. */
  abort(): Promise<void>;
}

export function textUpload(
  s3: S3Client,
  uri: string,
  contentType: string,
  partBytes: number = PART_BYTES,
): TextUpload {
  const location = parseS3Uri(uri);
  if (!location) throw new Error(`"${uri}" is not a valid S3 URI`);
  const { bucket: Bucket, key: Key } = location;
  let pieces: Buffer[] = [];
  let buffered = 0;
  let uploadId: string | undefined;
  const parts: { ETag: string | undefined; PartNumber: number }[] = [];

  const sendPart = async (body: Buffer) => {
    if (uploadId === undefined) {
      const created = await s3.send(
        new CreateMultipartUploadCommand({ Bucket, Key, ContentType: contentType }),
      );
      uploadId = created.UploadId;
    }
    const PartNumber = parts.length + 1;
    const sent = await s3.send(
      new UploadPartCommand({ Bucket, Key, UploadId: uploadId, PartNumber, Body: body }),
    );
    parts.push({ ETag: sent.ETag, PartNumber });
  };
  const take = () => {
    const body = Buffer.concat(pieces);
    pieces = [];
    buffered = 0;
    return body;
  };

  return {
    async write(piece) {
      const bytes = Buffer.from(piece, "utf8");
      pieces.push(bytes);
      buffered += bytes.length;
      if (buffered >= partBytes) await sendPart(take());
    },
    async close() {
      const rest = take();
      if (uploadId === undefined) {
        await s3.send(new PutObjectCommand({ Bucket, Key, Body: rest, ContentType: contentType }));
        return;
      }
      if (rest.length > 0) await sendPart(rest);
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    },
    async abort() {
      pieces = [];
      buffered = 0;
      if (uploadId === undefined) return;
      await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: uploadId }));
      uploadId = undefined;
    },
  };
}

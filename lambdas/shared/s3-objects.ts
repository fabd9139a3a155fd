/** Small S3 reads and writes shared by the Lambda steps (JSON records, existence checks). */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { parseS3Uri } from "../../contracts/s3-uri.ts";
import { jsonFileText } from "../../engine/output/json-file-text.ts";

/** Reads an object as text; undefined when it does not exist. Other failures propagate. */
export async function readTextIfExists(s3: S3Client, uri: string): Promise<string | undefined> {
  const { bucket, key } = location(uri);
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString("utf-8")) ?? "";
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** True when the object exists. */
export async function objectExists(s3: S3Client, uri: string): Promise<boolean> {
  const { bucket, key } = location(uri);
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Writes `value` as pretty JSON. */
export async function putJson(s3: S3Client, uri: string, value: unknown): Promise<void> {
  const { bucket, key } = location(uri);
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: jsonFileText(value),
      ContentType: "application/json",
    }),
  );
}

/** True when an S3 error says the object (or its bucket) is absent. */
export function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  return name === "NoSuchKey" || name === "NotFound" || status === 404;
}

function location(uri: string) {
  const parsed = parseS3Uri(uri);
  if (!parsed) throw new Error(`"${uri}" is not a valid S3 URI (s3://bucket/key)`);
  return parsed;
}

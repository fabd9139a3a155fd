/**
 * Reads a dataset named by an S3 URI in the analysis config (`dataset_uri`,
 * `predicted_label_dataset_uri`), as the Clarify container does when the job has no dataset
 * input: one object, or every object under a prefix, downloaded with the job's credentials
 * (the SDK's default chain: the job role inside SageMaker) into a local folder.
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { parseS3Uri } from "../../contracts/s3-uri.ts";
import { EngineInputError } from "../errors.ts";
import { plural } from "./plural.ts";

/** A client for the job's region, following redirects when a bucket is elsewhere. */
export function jobS3Client(env: Readonly<Record<string, string | undefined>> = process.env): S3Client {
  return new S3Client({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    followRegionRedirects: true,
  });
}

/**
 * Downloads the object or prefix `uri` names into `folder` and returns the local path to read:
 * the file for an object, the folder for a prefix (its objects keep their paths below it).
 *
 * @throws EngineInputError the URI is not an S3 URI, or names nothing
 */
export async function downloadS3Dataset(
  client: S3Client,
  uri: string,
  folder: string,
  field: string,
  /** When set, a prefix is refused before anything is downloaded; the text says why. */
  objectOnly?: string,
): Promise<{ path: string; objects: number }> {
  const location = parseS3Uri(uri);
  if (!location || location.key === "") {
    throw new EngineInputError(`${field} ${JSON.stringify(uri)} is not an S3 URI of an object or prefix`);
  }
  const keys = await listKeys(client, location.bucket, location.key);
  if (keys.length === 0) throw new EngineInputError(`${field} ${uri} names no S3 object`);
  // An exact match is the object itself; otherwise the URI is a prefix, as S3Prefix inputs read it.
  if (keys.includes(location.key)) {
    const target = join(folder, location.key.split("/").pop() || "dataset");
    await download(client, location.bucket, location.key, target);
    return { path: target, objects: 1 };
  }
  if (objectOnly !== undefined) {
    throw new EngineInputError(
      `${field} ${uri} is a prefix (${plural(keys.length, "object")} below it), not an object: ${objectOnly}`,
    );
  }
  const base = location.key.slice(0, location.key.lastIndexOf("/") + 1);
  for (const key of keys)
    await download(client, location.bucket, key, inside(folder, key.slice(base.length), uri));
  return { path: folder, objects: keys.length };
}

async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? [])
      if (object.Key && !object.Key.endsWith("/")) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

async function download(client: S3Client, bucket: string, key: string, target: string): Promise<void> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  await mkdir(dirname(target), { recursive: true });
  await pipeline(response.Body as Readable, createWriteStream(target));
}

/** `folder/relativePath`, refusing a key whose `..` would land outside the folder. */
function inside(folder: string, relativePath: string, uri: string): string {
  const target = resolve(folder, relativePath);
  const fromFolder = relative(folder, target);
  if (fromFolder === "" || fromFolder.startsWith("..") || isAbsolute(fromFolder)) {
    throw new EngineInputError(`${uri} holds a key that is not a safe relative path: ${relativePath}`);
  }
  return target;
}

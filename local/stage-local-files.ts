/**
 * In local mode run.json may name local files (`analysisConfigUri`, `dataset.uri`), relative
 * to run.json's folder. They are uploaded to the embedded S3 first, and the input rewritten
 * to point at them, so the steps see exactly what they would see in AWS.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { isRecord } from "../lambdas/shared/is-record.ts";
import { isLocalPath } from "../lambdas/validate-config/rules/s3-locations.ts";
import { LOCAL_INPUT_BUCKET } from "./local-settings.ts";

/** A run.json field that names a local path that cannot be staged. */
export class LocalInputError extends Error {
  override readonly name = "LocalInputError" as const;
}

/**
 * Returns the input with local paths replaced by `s3://local-inputs/<stagingPrefix>/...` URIs.
 * S3 URIs and every other field are kept as they are.
 */
export async function stageLocalFiles(
  input: unknown,
  options: { readonly baseDirectory: string; readonly s3: S3Client; readonly stagingPrefix: string },
): Promise<unknown> {
  if (!isRecord(input)) return input;
  const staged: Record<string, unknown> = { ...input };
  const upload = (path: string, field: string) => uploadPath(path, field, options);
  if (isLocalPathValue(staged.analysisConfigUri)) {
    staged.analysisConfigUri = await upload(staged.analysisConfigUri, "analysisConfigUri");
  }
  const dataset = staged.dataset;
  if (isRecord(dataset) && isLocalPathValue(dataset.uri)) {
    staged.dataset = { ...dataset, uri: await upload(dataset.uri, "dataset.uri") };
  }
  return staged;
}

/** A non-empty string that offline validation also reads as a local path. */
function isLocalPathValue(value: unknown): value is string {
  return typeof value === "string" && value !== "" && isLocalPath(value);
}

async function uploadPath(
  path: string,
  field: string,
  options: { readonly baseDirectory: string; readonly s3: S3Client; readonly stagingPrefix: string },
): Promise<string> {
  const absolute = resolve(options.baseDirectory, path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info)
    throw new LocalInputError(`${field}: local path "${path}" does not exist (resolved to ${absolute})`);
  const prefix = `${options.stagingPrefix}/${field.replace(/\W+/g, "-")}/`;
  if (info.isFile()) {
    const key = `${prefix}${basename(absolute)}`;
    await put(options.s3, key, absolute);
    return `s3://${LOCAL_INPUT_BUCKET}/${key}`;
  }
  const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  if (files.length === 0) throw new LocalInputError(`${field}: local folder "${path}" holds no files`);
  for (const file of files)
    await put(options.s3, `${prefix}${relative(absolute, file).split(sep).join("/")}`, file);
  return `s3://${LOCAL_INPUT_BUCKET}/${prefix}`;
}

async function put(s3: S3Client, key: string, file: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: LOCAL_INPUT_BUCKET, Key: key, Body: await readFile(file) }));
}

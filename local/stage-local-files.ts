/**
 * In local mode run.json may name local files (`analysisConfigUri`, `dataset.uri`,
 * `baseline.analysisUri`), relative
 * to run.json's folder. They are uploaded to the embedded S3 first, and the input rewritten
 * to point at them, so the steps see exactly what they would see in AWS.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { isRecord } from "../contracts/is-record.ts";
import { LocalInputError, localPathFields, readLocalInput } from "./local-input-files.ts";
import { LOCAL_INPUT_BUCKET } from "./local-settings.ts";

export { LocalInputError };

export interface StageOptions {
  /** run.json's folder: relative paths start here, and must stay under it unless `allowOutside`. */
  readonly baseDirectory: string;
  readonly s3: S3Client;
  readonly stagingPrefix: string;
  /** Accept local paths that resolve outside `baseDirectory`. @default false */
  readonly allowOutside?: boolean;
}

/** A local path of run.json and the embedded-S3 URI it was staged at. */
export interface StagedLocalPath {
  /** JSON path of the field in run.json, e.g. `$.dataset.uri`. */
  readonly field: string;
  /** The path as written in run.json. */
  readonly localPath: string;
  /** It resolved to this file or folder. */
  readonly absolutePath: string;
  /** `s3://local-inputs/...`: the object, or the prefix (ending in `/`) of a folder. */
  readonly uri: string;
}

export interface StagedInput {
  /** run.json with local paths replaced by their staged URIs. */
  readonly input: unknown;
  readonly paths: readonly StagedLocalPath[];
}

/**
 * Returns the input with local paths replaced by `s3://local-inputs/<stagingPrefix>/...` URIs.
 * S3 URIs and every other field are kept as they are.
 */
export async function stageLocalFiles(input: unknown, options: StageOptions): Promise<unknown> {
  return (await stageLocalInputs(input, options)).input;
}

/** As stageLocalFiles, and says which local path went where (to speak of the user's files later). */
export async function stageLocalInputs(input: unknown, options: StageOptions): Promise<StagedInput> {
  if (!isRecord(input)) return { input, paths: [] };
  let staged: Record<string, unknown> = { ...input };
  const paths: StagedLocalPath[] = [];
  for (const local of localPathFields(input)) {
    const done = await uploadPath(local.localPath, local.field, local.keyName, options);
    paths.push(done);
    staged = local.replace(staged, done.uri);
  }
  return { input: staged, paths };
}

async function uploadPath(
  localPath: string,
  field: string,
  keyName: string,
  options: StageOptions,
): Promise<StagedLocalPath> {
  const local = await readLocalInput(localPath, field, {
    baseDirectory: options.baseDirectory,
    allowOutside: options.allowOutside,
  });
  const prefix = `${options.stagingPrefix}/${keyName}/`;
  const staged = { field, localPath, absolutePath: local.absolute };
  if (!local.isFolder) {
    const key = `${prefix}${basename(local.absolute)}`;
    await put(options.s3, key, local.files[0]?.path ?? local.absolute);
    return { ...staged, uri: `s3://${LOCAL_INPUT_BUCKET}/${key}` };
  }
  for (const file of local.files) await put(options.s3, `${prefix}${file.relativePath}`, file.path);
  return { ...staged, uri: `s3://${LOCAL_INPUT_BUCKET}/${prefix}` };
}

async function put(s3: S3Client, key: string, file: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: LOCAL_INPUT_BUCKET, Key: key, Body: await readFile(file) }));
}

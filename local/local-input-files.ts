/**
 * The local files a run.json names, found the way `run --local` stages them: relative to
 * run.json's folder, following symlinks, and — unless the user allows it — only inside that
 * folder, so a run.json from elsewhere cannot make a local run read (and copy into its run
 * folder) files the user did not put beside it.
 */
import { readdir, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { isRecord } from "../contracts/is-record.ts";
import { isLocalPath } from "../lambdas/validate-config/rules/s3-locations.ts";

/** The flag that lets run.json name files outside its folder. */
export const ALLOW_OUTSIDE_FLAG = "--allow-paths-outside-input";

/** A run.json field that names a local path that cannot be staged. */
export class LocalInputError extends Error {
  override readonly name = "LocalInputError" as const;
}

export interface LocalInputOptions {
  /** run.json's folder: relative paths start here, and files must stay under it. */
  readonly baseDirectory: string;
  /** Accept paths that resolve outside `baseDirectory` (the user passed ALLOW_OUTSIDE_FLAG). @default false */
  readonly allowOutside?: boolean;
}

/** One file to stage: where it is, and its path relative to the field's folder (its own name for a file). */
export interface LocalInputFile {
  readonly path: string;
  readonly relativePath: string;
}

export interface LocalInput {
  /** The path as written in run.json, resolved against run.json's folder (symlinks not followed). */
  readonly absolute: string;
  readonly isFolder: boolean;
  readonly files: readonly LocalInputFile[];
}

/**
 * The files `path` (the value of run.json's `field`, a JSON path) stands for: the file itself,
 * or every file under the folder, symlinks followed. Throws LocalInputError when the path does
 * not exist, names an empty folder, or resolves outside run.json's folder without permission.
 */
export async function readLocalInput(
  path: string,
  field: string,
  options: LocalInputOptions,
): Promise<LocalInput> {
  const absolute = resolve(options.baseDirectory, path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info)
    throw new LocalInputError(`${field}: local path "${path}" does not exist (resolved to ${absolute})`);
  const guard = await containmentGuard(field, options);
  const real = await realpath(absolute);
  guard(path, real);
  if (!info.isDirectory()) return { absolute, isFolder: false, files: [{ path: real, relativePath: "" }] };
  const files = await filesUnder(real, (relativePath, target) => guard(`${path}/${relativePath}`, target));
  if (files.length === 0) throw new LocalInputError(`${field}: local folder "${path}" holds no files`);
  return { absolute, isFolder: true, files };
}

/**
 * Why `path` (run.json's `field`) may not be staged because it, or a symlink below it, resolves
 * outside run.json's folder; undefined when it may be, or when it does not exist (that is
 * reported where the file is read). `clarify-pipeline validate` applies the rule `run --local` will.
 */
export async function outsideInputFolder(
  path: string,
  field: string,
  options: LocalInputOptions,
): Promise<string | undefined> {
  const absolute = resolve(options.baseDirectory, path);
  if (options.allowOutside || !(await stat(absolute).catch(() => undefined))) return undefined;
  try {
    await readLocalInput(path, field, options);
    return undefined;
  } catch (error) {
    if (error instanceof OutsideInputFolderError) return error.message;
    return undefined;
  }
}

/** Thrown by the containment guard, so that outsideInputFolder tells it from other problems. */
class OutsideInputFolderError extends LocalInputError {}

/** Checks that a path (as the user would name it) resolves under run.json's real folder, unless allowed. */
type Guard = (shown: string, real: string) => void;

async function containmentGuard(field: string, options: LocalInputOptions): Promise<Guard> {
  if (options.allowOutside) return () => undefined;
  const base = await realpath(options.baseDirectory);
  return (shown, real) => {
    const fromBase = relative(base, real);
    if (fromBase === "" || (!fromBase.startsWith("..") && !isAbsolute(fromBase))) return;
    throw new OutsideInputFolderError(
      `${field}: "${shown}" resolves to ${real}, outside run.json's folder ${base}; move it into that folder, or pass ${ALLOW_OUTSIDE_FLAG} to allow paths outside it`,
    );
  };
}

/**
 * Every file under `folder` in name order, following symlinks (each checked by `guard`) the
 * way an upload of the folder would; a symlink loop is visited once.
 */
async function filesUnder(
  folder: string,
  guard: (relativePath: string, real: string) => void,
): Promise<LocalInputFile[]> {
  const files: LocalInputFile[] = [];
  const visited = new Set<string>([folder]);
  const walk = async (directory: string, prefix: string): Promise<void> => {
    const entries = (await readdir(directory, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      const relativePath = `${prefix}${entry.name}`;
      const target = join(directory, entry.name);
      const real = entry.isSymbolicLink() ? await realpath(target).catch(() => undefined) : target;
      if (real === undefined) continue; // a dangling symlink names no file
      if (entry.isSymbolicLink()) guard(relativePath, real);
      const info = await stat(real);
      if (info.isFile()) files.push({ path: real, relativePath });
      else if (info.isDirectory() && !visited.has(real)) {
        visited.add(real);
        await walk(real, `${relativePath}/`);
      }
    }
  };
  await walk(folder, "");
  return files;
}

/** A field of run.json that names a local path, and the name its staged copy is kept under. */
export interface LocalPathField {
  /** JSON path of the field, e.g. `$.dataset.uri`. */
  readonly field: string;
  readonly localPath: string;
  readonly keyName: string;
  /** run.json with this field set to `uri`. */
  readonly replace: (input: Record<string, unknown>, uri: string) => Record<string, unknown>;
}

/** The fields of run.json that name local paths (`analysisConfigUri`, `dataset.uri`, `baseline.analysisUri`). */
export function localPathFields(input: unknown): LocalPathField[] {
  if (!isRecord(input)) return [];
  const fields: LocalPathField[] = [];
  if (isLocalPathValue(input.analysisConfigUri)) {
    fields.push({
      field: "$.analysisConfigUri",
      localPath: input.analysisConfigUri,
      keyName: "analysisConfigUri",
      replace: (run, uri) => ({ ...run, analysisConfigUri: uri }),
    });
  }
  for (const [parent, key, keyName] of [
    ["dataset", "uri", "dataset-uri"],
    ["baseline", "analysisUri", "baseline-analysisUri"],
  ] as const) {
    const record = input[parent];
    if (isRecord(record) && isLocalPathValue(record[key])) {
      fields.push({
        field: `$.${parent}.${key}`,
        localPath: record[key],
        keyName,
        replace: (run, uri) => ({
          ...run,
          [parent]: { ...(run[parent] as Record<string, unknown>), [key]: uri },
        }),
      });
    }
  }
  return fields;
}

/** A non-empty string that offline validation also reads as a local path. */
function isLocalPathValue(value: unknown): value is string {
  return typeof value === "string" && value !== "" && isLocalPath(value);
}

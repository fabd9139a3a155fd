import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { EngineInputError } from "../errors.ts";
import { byName } from "./name-order.ts";

/**
 * The files of a dataset given as one file or as a folder (an S3 prefix staged locally):
 * every non-hidden file below the folder, in name order of their relative paths, the order
 * in which S3 lists the keys of a prefix. With `skipMarkers`, files and folders whose name
 * starts with `_` (Spark's and Hive's `_SUCCESS`, `_metadata`, `_temporary/`) are left out too.
 * A folder without files is an error, unless `allowEmpty` (a host's shard of a multi-instance
 * job may hold none).
 */
export function datasetFiles(
  path: string,
  what = "dataset",
  options: { readonly skipMarkers?: boolean; readonly allowEmpty?: boolean } = {},
): string[] {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    throw new EngineInputError(`${what} ${path} does not exist`);
  }
  if (stats.isFile()) return [path];
  const files = (readdirSync(path, { recursive: true, withFileTypes: false }) as string[])
    .filter((relative) => isDataPath(relative, options))
    .sort(byName)
    .map((relative) => join(path, relative))
    .filter((file) => statSync(file).isFile());
  if (files.length === 0 && options.allowEmpty !== true)
    throw new EngineInputError(`${what} folder ${path} holds no files`);
  return files;
}

/**
 * Whether a path below a dataset folder (or an S3 key below its prefix) names data: no part of
 * it is hidden (`.`), and with `skipMarkers` none is a Spark or Hive marker (`_`). The engine,
 * validate-config's Parquet pre-flight and the offline validation all skip by this one rule.
 */
export function isDataPath(relativePath: string, options: { readonly skipMarkers?: boolean } = {}): boolean {
  return !relativePath
    .split(/[\\/]/)
    .some((part) => part.startsWith(".") || (options.skipMarkers === true && part.startsWith("_")));
}

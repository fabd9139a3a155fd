/**
 * Offline validation for `clarify-pipeline validate`: every static rule, and in local
 * mode the pre-flight on local files. `analysisConfigUri` and `dataset.uri` may be
 * local paths, relative to the run.json's folder; S3 locations are not read offline.
 */
import { open, readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ParquetFormatError } from "../../contracts/parquet-footer.ts";
import { isDataPath } from "../../engine/io/dataset-files.ts";
import type { ConfigProblem } from "../shared/errors.ts";
import type { DeploymentSettings } from "../shared/settings.ts";
import { parquetFooterColumns } from "./parquet-sample.ts";
import {
  type DatasetSample,
  runPreflight,
  SAMPLE_BYTES,
  type SampleFormat,
  type SourceReader,
} from "./preflight.ts";
import type { Located, Problems } from "./problems.ts";
import { isLocalPath } from "./rules/s3-locations.ts";
import { runStaticRules } from "./static-rules.ts";

export interface OfflineOptions {
  /** Folder local paths are relative to (the run.json's folder). */
  readonly baseDir: string;
  /** Apply the allowed-bucket guard with `settings.allowedBuckets` (default: false, no deployment to ask). */
  readonly enforceAllowedBuckets?: boolean;
  /** Accept local paths for `analysisConfigUri` and `dataset.uri` (false for a run bound for AWS). @default true */
  readonly allowLocalPaths?: boolean;
}

export async function validateRunInputOffline(
  input: unknown,
  settings: DeploymentSettings,
  options: OfflineOptions,
): Promise<readonly ConfigProblem[]> {
  const context = {
    settings,
    enforceAllowedBuckets: options.enforceAllowedBuckets ?? false,
    allowLocalPaths: options.allowLocalPaths ?? true,
  };
  const { draft, problems } = runStaticRules(input, context);
  if (draft && problems.isEmpty)
    await runPreflight(draft, context, localSourceReader(options.baseDir), problems);
  return problems.list;
}

/** Reads local paths; S3 URIs are skipped (undefined, no problem) since offline has no S3 to ask. */
export function localSourceReader(baseDir: string): SourceReader {
  const local = async <T>(
    field: Located & { value: string },
    problems: Problems,
    read: (path: string) => Promise<T>,
  ) => {
    if (!isLocalPath(field.value)) return undefined;
    const path = resolve(baseDir, field.value);
    try {
      return await read(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === "ENOENT" ? "no such file or folder" : (error as Error).message;
      problems.add(field.path, `${field.value} cannot be read (${path}): ${reason}`);
      return undefined;
    }
  };
  return {
    readConfig: (field, problems) =>
      local(field, problems, async (path) => {
        const text = await readFile(path, "utf8");
        try {
          return JSON.parse(text) as unknown;
        } catch (error) {
          throw new Error(`not valid JSON: ${(error as Error).message}`);
        }
      }),
    sampleDataset: (field, _s3DataType, problems, format) =>
      local(field, problems, async (path): Promise<DatasetSample> => {
        const file = (await stat(path)).isDirectory() ? await firstFile(path, format) : path;
        const handle = await open(file, "r");
        try {
          if (format === "parquet") {
            const { size } = await handle.stat();
            const read = async (start: number, end: number) => {
              const bytes = new Uint8Array(end - start + 1);
              await handle.read(bytes, 0, bytes.length, start);
              return bytes;
            };
            try {
              return { columns: await parquetFooterColumns(size, read, file), source: file };
            } catch (error) {
              if (!(error instanceof ParquetFormatError)) throw error;
              throw new Error(
                `${error.message.replace(`${file} `, "it ")}, but dataset_type is application/x-parquet`,
              );
            }
          }
          const buffer = Buffer.alloc(SAMPLE_BYTES);
          const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
          return { bytes: buffer.subarray(0, bytesRead), source: file };
        } finally {
          await handle.close();
        }
      }),
  };
}

/** A folder stands for an S3 prefix: its first file in name order is the sample (for Parquet, its first part file). */
async function firstFile(folder: string, format: SampleFormat): Promise<string> {
  const entries = (await readdir(folder, { withFileTypes: true })).filter(
    (e) => e.isFile() && isDataPath(e.name, { skipMarkers: format === "parquet" }),
  );
  const first = entries.map((e) => e.name).sort()[0];
  if (!first) throw new Error("the folder holds no data file");
  return join(folder, first);
}

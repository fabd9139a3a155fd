/**
 * The merge of a job's partial counts from a folder on disk that holds every host's output as
 * SageMaker uploads them to the job's output prefix (`partial/<host>.json` and
 * `partial/<host>/<index>.json` of every host): what CollectResults does from S3, for the
 * tests and the benchmark of several hosts on one machine.
 */
import { createReadStream } from "node:fs";
import { appendFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { PARTIAL_FOLDER, type PartialCounts } from "../../contracts/partial-counts.ts";
import { checkPartial, type MergedAnalysis, type MergeOptions, mergePartials } from "./merge-partials.ts";

/**
 * Merges the partial counts (and local SHAP values) in `outputDir/partial/`; out.csv, when the
 * config saves the local SHAP values, goes to `localValuesPath` (default: none written), which
 * a failed merge removes rather than leave half written.
 */
export async function mergeOutputFolder(
  outputDir: string,
  options: MergeOptions & { readonly localValuesPath?: string } = {},
): Promise<MergedAnalysis> {
  const { localValuesPath, ...merge } = options;
  if (localValuesPath !== undefined) {
    await mkdir(dirname(localValuesPath), { recursive: true });
    await writeFile(localValuesPath, "");
  }
  try {
    return await mergePartials(
      await readHostFiles(outputDir),
      (object) => readJson(join(outputDir, object)),
      {
        loadShap: async (object) =>
          createReadStream(join(outputDir, object), { encoding: "utf8", highWaterMark: 1 << 20 }),
        ...(localValuesPath !== undefined && {
          writeLocalValues: (piece: string) => appendFile(localValuesPath, piece),
        }),
        ...merge,
      },
    );
  } catch (error) {
    if (localValuesPath !== undefined) await rm(localValuesPath, { force: true });
    throw error;
  }
}

/** The host files directly in `outputDir/partial/`, in name order, checked. */
export async function readHostFiles(outputDir: string): Promise<PartialCounts[]> {
  const folder = join(outputDir, PARTIAL_FOLDER);
  const entries = await readdir(folder, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
    .map((entry) => entry.name)
    .sort();
  const partials: PartialCounts[] = [];
  for (const name of names) {
    partials.push(checkPartial(await readJson(join(folder, name)), `${PARTIAL_FOLDER}/${name}`));
  }
  return partials;
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, "utf8")) as unknown;
}

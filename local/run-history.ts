/**
 * On AWS the earlier runs of a name sit under the output prefix, where collect-results finds
 * a `latest: "passed"` baseline and the report its trend. A local run starts with an empty
 * embedded S3, so the runner first puts the records of the earlier local runs of the same
 * runName there (their summary.json, analysis.json and intervals.json, from the local runs
 * folder), at the prefix the run will use. Nothing is copied back.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { asPrefixUri, parseS3Uri } from "../contracts/s3-uri.ts";
import { newestFirst, parseRunSummary, type RunSummary } from "../lambdas/shared/run-folders.ts";
import { runIdFor } from "../lambdas/shared/run-id.ts";

/** The files of a run folder that its history needs. */
const RECORD_FILES = ["summary.json", "output/analysis.json", "output/intervals.json"] as const;

export interface SeedOptions {
  /** The local runs folder (each subfolder one run, as `run --local` copies them). */
  readonly runsDirectory: string;
  /** The output prefix of the run about to start. */
  readonly outputUri: string;
  /** Only runs of this name are seeded. */
  readonly runName: string;
}

/** Uploads the earlier runs of `runName`; returns how many. A missing runs folder seeds none. */
export async function seedRunHistory(s3: S3Client, options: SeedOptions): Promise<number> {
  const location = parseS3Uri(asPrefixUri(options.outputUri));
  if (!location) return 0;
  const folders = await readdir(options.runsDirectory, { withFileTypes: true }).catch(() => []);
  const runs: { runId: string; directory: string; summary: RunSummary }[] = [];
  for (const folder of folders) {
    if (!folder.isDirectory()) continue;
    const directory = join(options.runsDirectory, folder.name);
    const summary = parseRunSummary(
      await readFile(join(directory, "summary.json"), "utf8").catch(() => undefined),
    );
    if (summary?.runName !== options.runName) continue;
    // The run's own folder name (a local copy may live under any name, e.g. --out DIR).
    const runId =
      summary.runId && runIdFor(undefined, summary.runId) === summary.runId ? summary.runId : folder.name;
    runs.push({ runId, directory, summary });
  }
  // Oldest first: collect-results reads the newest records first by the listing's LastModified,
  // so the upload order must be the runs' order.
  let seeded = 0;
  for (const { runId, directory } of newestFirst(runs).reverse()) {
    for (const file of RECORD_FILES) {
      const body = await readFile(join(directory, file)).catch(() => undefined);
      if (body === undefined) continue;
      await s3.send(
        new PutObjectCommand({
          Bucket: location.bucket,
          Key: `${location.key}${runId}/${file}`,
          Body: body,
        }),
      );
    }
    seeded++;
  }
  return seeded;
}

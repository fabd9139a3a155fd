/**
 * Where `history` finds the runs: a local runs folder (each subfolder a run folder, as
 * `run --local` copies them) or an S3 output prefix, read with ListObjectsV2 and GetObject only.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { newestFirst, parseRunSummary, readRunRecords } from "../../../lambdas/shared/run-folders.ts";
import { runFolderPrefix } from "../../../lambdas/shared/run-id.ts";
import { readTextIfExists } from "../../../lambdas/shared/s3-objects.ts";
import { CliError } from "../cli-error.ts";
import type { HistoryRecord } from "./run-history.ts";

/** The runs of a local folder, newest first; subfolders without a summary.json are left out. */
export async function localHistory(directory: string, runName?: string): Promise<HistoryRecord[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`--runs ${directory}: cannot read the folder (${error.code ?? error.message})`);
  });
  const records: HistoryRecord[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const folder = join(directory, entry.name);
    const summary = parseRunSummary(
      await readFile(join(folder, "summary.json"), "utf8").catch(() => undefined),
    );
    if (!summary || (runName !== undefined && summary.runName !== runName)) continue;
    records.push({
      runId: summary.runId ?? entry.name,
      summary,
      location: folder,
      readAnalysis: () => readFile(join(folder, "output", "analysis.json"), "utf8").catch(() => undefined),
    });
  }
  return newestFirst(records);
}

/** The runs under an S3 output prefix, newest first. */
export async function s3History(s3: S3Client, outputUri: string, runName?: string): Promise<HistoryRecord[]> {
  const records = await readRunRecords(s3, outputUri, runName === undefined ? "" : runFolderPrefix(runName));
  return records
    .filter((record) => runName === undefined || record.summary.runName === runName)
    .map((record) => ({
      runId: record.runId,
      summary: record.summary,
      location: record.runUri,
      readAnalysis: () => readTextIfExists(s3, `${record.runUri}output/analysis.json`),
    }));
}

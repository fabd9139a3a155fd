/**
 * The earlier local runs seeded into the embedded S3 (s3rver) and read back the way
 * collect-results reads them: s3rver's LastModified has a resolution of one second, so the
 * seeded runs tie, and the newest runs must still be the ones read.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NormalizedRun } from "../../contracts/pipeline-state.ts";
import { earlierRuns, TREND_RUNS } from "../../lambdas/collect-results/recent-runs.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../local/embedded-s3.ts";
import { seedRunHistory } from "../../local/run-history.ts";

const BUCKET = "clarify-runs";
const OUTPUT = `s3://${BUCKET}/runs/`;
const RUNS = 20;

let directory: string;
let server: EmbeddedS3;
let s3: S3Client;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "run-history-"));
  server = await startEmbeddedS3({ directory: join(directory, "s3"), buckets: [BUCKET] });
  s3 = server.createClient();
});

afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

/** Run `index` started `index` minutes after midnight; its folder name sorts the other way. */
function runIdOf(index: number): string {
  return `credit-run-${String(99 - index)}`;
}

describe("seedRunHistory read back by earlierRuns", () => {
  it("reads the newest runs first even when the folder names sort the other way", async () => {
    // Prepare
    const runsDirectory = join(directory, "local-runs");
    for (let index = 0; index < RUNS; index += 1) {
      const runId = runIdOf(index);
      await mkdir(join(runsDirectory, runId), { recursive: true });
      const startTime = new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString();
      const gates = [{ metric: "CI", value: index / 100 }];
      await writeFile(
        join(runsDirectory, runId, "summary.json"),
        JSON.stringify({
          status: "BiasGateFailed",
          runId,
          runName: "credit",
          execution: { startTime },
          gates,
        }),
      );
    }
    const seeded = await seedRunHistory(s3, { runsDirectory, outputUri: OUTPUT, runName: "credit" });
    const run = {
      runId: "credit-run-now",
      runName: "credit",
      runUri: `${OUTPUT}credit-run-now/`,
    } as NormalizedRun;

    // Act
    const recent = await earlierRuns(s3, run);

    // Assess: the 10 newest runs (started at minutes 19 down to 10) lead, newest first.
    expect(seeded).toBe(RUNS);
    const newest = Array.from({ length: TREND_RUNS }, (_, at) => runIdOf(RUNS - 1 - at));
    expect(recent.slice(0, TREND_RUNS).map((record) => record.runId)).toEqual(newest);
  });
});

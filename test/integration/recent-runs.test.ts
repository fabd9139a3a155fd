/**
 * collect-results' reading of earlier runs against moto's S3: only as many summary.json files
 * are fetched as the trends and a latest-passed baseline need, newest first.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import type { NormalizedRun } from "../../contracts/pipeline-state.ts";
import { earlierRuns, TREND_RUNS } from "../../lambdas/collect-results/recent-runs.ts";
import { READ_CONCURRENCY } from "../../lambdas/shared/run-folders.ts";
import { ARTIFACTS_BUCKET, motoSkipReason, putText, useMoto } from "./moto-lambda-environment.ts";

const OUTPUT = `s3://${ARTIFACTS_BUCKET}/recent-runs/`;

function run(runName: string, runId: string, baseline?: NormalizedRun["baseline"]): NormalizedRun {
  return {
    runId,
    runName,
    runUri: `${OUTPUT}${runId}/`,
    analysisConfig: { inline: { version: "1.0" } },
    dataset: { s3Uri: "s3://clarify-data/credit/train.csv", s3DataType: "S3Prefix" },
    job: {
      instanceType: "ml.c5.xlarge",
      instanceCount: 1,
      volumeSizeInGB: 30,
      maxRuntimeInSeconds: 1800,
      imageUri: "unused",
      roleArn: "arn:aws:iam::123456789012:role/ClarifyJobRole",
    },
    gates: { CI: { absMax: 0.2 } },
    ...(baseline && { baseline }),
    timeoutSeconds: 2700,
  };
}

/** An S3 client on moto that counts the GetObject requests it sends. */
function countingClient(): { s3: S3Client; gets: () => number } {
  const s3 = new S3Client({});
  let gets = 0;
  s3.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === "GetObjectCommand") gets += 1;
      return next(args);
    },
    { step: "initialize" },
  );
  return { s3, gets: () => gets };
}

async function putSummary(s3: S3Client, runName: string, runId: string, status: string, index: number) {
  const startTime = new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString();
  const gates = [{ metric: "CI", value: index / 100 }];
  await putText(
    s3,
    `${OUTPUT}${runId}/summary.json`,
    JSON.stringify({ status, runId, runName, execution: { startTime }, gates }),
  );
  await putText(s3, `${OUTPUT}${runId}/output/analysis.json`, "{}");
}

describe.skipIf(motoSkipReason !== undefined)("earlierRuns on moto S3", () => {
  const moto = useMoto();

  it("reads only the newest runs of the exact runName that the trends and the baseline need", async () => {
    // Prepare: 20 runs of credit (the oldest passed, the rest failed); a second later, 10 newer
    // runs of credit and 10 of credit-v2. LastModified counts seconds, so the two groups are
    // ordered and the runs within each are not.
    const { s3 } = moto();
    for (let index = 0; index < 20; index += 1) {
      const id = `credit-run-${String(index).padStart(2, "0")}`;
      await putSummary(s3, "credit", id, index === 0 ? "Succeeded" : "BiasGateFailed", index);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_050 - (Date.now() % 1_000)));
    for (let index = 20; index < 30; index += 1) {
      await putSummary(s3, "credit", `credit-run-${index}`, "BiasGateFailed", index);
    }
    for (let index = 0; index < 10; index += 1) {
      await putSummary(s3, "credit-v2", `credit-v2-run-${index}`, "Succeeded", 40 + index);
    }
    const trendsOnly = countingClient();
    const withBaseline = countingClient();

    // Act
    const recent = await earlierRuns(trendsOnly.s3, run("credit", "credit-run-99"));
    const all = await earlierRuns(withBaseline.s3, run("credit", "credit-run-99", { latest: "passed" }));

    // Assess: the 10 newest credit runs suffice for the trends; the baseline needs every credit
    // run back to the passed one; credit-v2's summaries are read (the folder name cannot tell)
    // but never kept.
    expect(recent.map((record) => record.runId).slice(0, 3)).toEqual([
      "credit-run-29",
      "credit-run-28",
      "credit-run-27",
    ]);
    expect(recent.length).toBeGreaterThanOrEqual(TREND_RUNS);
    expect(recent.every((record) => record.summary.runName === "credit")).toBe(true);
    // The newer group (20 summaries) holds the 10 newest credit runs: it is read whole, and of the
    // older group at most what one batch of reads takes in (the older group may span two seconds
    // on a loaded machine, and a batch ends at the last second boundary it reaches).
    expect(trendsOnly.gets()).toBeGreaterThanOrEqual(20);
    expect(trendsOnly.gets()).toBeLessThan(20 + READ_CONCURRENCY);
    expect(all.find((record) => record.summary.status === "Succeeded")?.runId).toBe("credit-run-00");
    expect(all.every((record) => record.summary.runName === "credit")).toBe(true);
    expect(withBaseline.gets()).toBe(40);
    trendsOnly.s3.destroy();
    withBaseline.s3.destroy();
  });
});

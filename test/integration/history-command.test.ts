/**
 * `clarify-pipeline history --output-uri` against moto's S3 over HTTP: the run folders under
 * an output prefix are listed (ListObjectsV2 with a delimiter, paged) and their summary.json
 * and analysis.json read, with the CLI's own S3 client.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.ts";
import { ARTIFACTS_BUCKET, motoSkipReason, putText, useMoto } from "./moto-lambda-environment.ts";

const PREFIX = `s3://${ARTIFACTS_BUCKET}/history-runs/`;

describe.skipIf(motoSkipReason !== undefined)("clarify-pipeline history on moto S3", () => {
  const moto = useMoto();

  it("lists the runs under the output prefix newest first, with the chosen metric", async () => {
    // Prepare: three runs of credit (one without analysis.json) and one of churn
    const { s3 } = moto();
    const run = async (runId: string, runName: string, status: string, day: number, dpl?: number) => {
      const uri = `${PREFIX}${runId}/`;
      await putText(
        s3,
        `${uri}summary.json`,
        JSON.stringify({ status, runId, runName, execution: { startTime: `2026-11-0${day}T06:00:00.000Z` } }),
      );
      if (dpl !== undefined) {
        await putText(
          s3,
          `${uri}output/analysis.json`,
          JSON.stringify({
            version: "1.0",
            pre_training_bias_metrics: {
              facets: { Sex: [{ value_or_threshold: "0", metrics: [{ name: "DPL", value: dpl }] }] },
            },
          }),
        );
      }
    };
    await run("credit-1", "credit", "Succeeded", 1, 0.05);
    await run("credit-2", "credit", "Failed", 2);
    await run("credit-3", "credit", "BiasGateFailed", 3, 0.25);
    await run("churn-4", "churn", "Succeeded", 4, 0);

    // Act
    const all = await runCli(["history", "--output-uri", PREFIX, "--metric", "DPL"]);
    const credit = await runCli(["history", "--output-uri", PREFIX, "--run-name", "credit", "--json"]);

    // Assess
    expect(all.stderr).toBe("");
    expect(all.stdout.split("\n")).toEqual([
      "2026-11-04T06:00:00Z  churn   passed       DPL Sex=0 0",
      "2026-11-03T06:00:00Z  credit  gate-failed  DPL Sex=0 0.25",
      "2026-11-02T06:00:00Z  credit  failed       DPL -",
      "2026-11-01T06:00:00Z  credit  passed       DPL Sex=0 0.05",
      "",
    ]);
    expect(
      JSON.parse(credit.stdout).map((r: { runId: string; location: string }) => [r.runId, r.location]),
    ).toEqual([
      ["credit-3", `${PREFIX}credit-3/`],
      ["credit-2", `${PREFIX}credit-2/`],
      ["credit-1", `${PREFIX}credit-1/`],
    ]);
  });

  it("says in one line when the bucket does not exist", async () => {
    // Act
    const result = await runCli(["history", "--output-uri", "s3://no-such-bucket-here/runs/"]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: --output-uri s3:\/\/no-such-bucket-here\/runs\/: the bucket does not exist/,
    );
  });
});

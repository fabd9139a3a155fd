/** The run folder must go where the deployment can write: below its output prefix. */
import { describe, expect, it } from "vitest";
import { CONTEXT, edited, requestInput, runInput, staticProblems } from "./fixtures.ts";

const DEPLOYED = { ...CONTEXT, enforceOutputPrefix: true };

function withOutputUri(outputUri: string): Record<string, unknown> {
  return { ...runInput(), outputUri };
}

describe("outputUri", () => {
  it("is refused in an allowed input bucket, naming the output prefix the deployment writes to", () => {
    // Prepare: clarify-data may be read, never written.
    const input = withOutputUri("s3://clarify-data/runs/");
    // Act
    const problems = staticProblems(input, DEPLOYED);
    // Assess
    expect(problems).toEqual([
      {
        path: "$.outputUri",
        message:
          '"s3://clarify-data/runs/" is not below the deployment\'s output prefix s3://clarify-artifacts/clarify-runs/, the only place the pipeline may write; use s3://clarify-artifacts/clarify-runs/ or a prefix below it, or leave it out',
      },
    ]);
  });

  it.each([
    ["s3://clarify-artifacts/other-runs/"],
    ["s3://clarify-artifacts/"],
    ["s3://clarify-artifacts/clarify-runs-old/"],
  ])("is refused in the artifacts bucket outside the output prefix: %s", (outputUri) => {
    // Act
    const problems = staticProblems(withOutputUri(outputUri), DEPLOYED);
    // Assess
    expect(problems.map((problem) => problem.path)).toEqual(["$.outputUri"]);
    expect(problems[0]?.message).toContain("s3://clarify-artifacts/clarify-runs/");
  });

  it.each([
    ["s3://clarify-artifacts/clarify-runs/"],
    ["s3://clarify-artifacts/clarify-runs"],
    ["s3://clarify-artifacts/clarify-runs/team-a/"],
  ])("is accepted at or below the output prefix: %s", (outputUri) => {
    // Act / Assess
    expect(staticProblems(withOutputUri(outputUri), DEPLOYED)).toEqual([]);
  });

  it("is checked in the request form too (the output's S3Uri)", () => {
    // Prepare
    const input = edited(requestInput(), (i) => {
      const config = i.processingJobRequest.ProcessingOutputConfig as {
        Outputs: { S3Output: { S3Uri: string } }[];
      };
      const [output] = config.Outputs;
      if (output) output.S3Output.S3Uri = "s3://clarify-data/results/";
    });
    // Act
    const problems = staticProblems(input, DEPLOYED);
    // Assess
    expect(problems).toEqual([
      expect.objectContaining({
        path: "$.processingJobRequest.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri",
        message: expect.stringContaining("is not below the deployment's output prefix"),
      }),
    ]);
  });

  it("is not held to a prefix offline, where the deployment's prefix is unknown", () => {
    // Act / Assess
    expect(staticProblems(withOutputUri("s3://clarify-data/runs/"), CONTEXT)).toEqual([]);
  });
});

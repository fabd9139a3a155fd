import { App, Duration, Stack } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { ClarifyPipeline, type ClarifyPipelineProps } from "../../lib/clarify-pipeline.ts";

/** The message ClarifyPipeline throws for these props (validation runs before any bundling). */
function constructionError(props: ClarifyPipelineProps): string {
  const stack = new Stack(new App(), "ValidationTest");
  try {
    new ClarifyPipeline(stack, "Pipeline", props);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("ClarifyPipeline accepted the props");
}

describe("ClarifyPipeline prop validation", () => {
  it("rejects a default max runtime above the 7-day Clarify limit, naming the value", () => {
    // Prepare
    const props = { defaultMaxRuntime: Duration.seconds(604_801) };

    // Act
    const message = constructionError(props);

    // Assess
    expect(message).toBe(
      "defaultMaxRuntime must be from 1 to 604800 seconds (7 days, the SageMaker processing job limit), got 604801 seconds",
    );
  });

  it("rejects a GPU default instance type", () => {
    // Prepare
    const props = { defaultInstanceType: "ml.g5.xlarge" };

    // Act
    const message = constructionError(props);

    // Assess
    expect(message).toBe(
      'defaultInstanceType "ml.g5.xlarge" is a GPU or accelerator instance type; SageMaker Clarify does not use GPUs, choose a CPU type such as "ml.c5.xlarge"',
    );
  });

  it.each(["ml.p3.2xlarge", "ml.inf2.xlarge", "ml.trn1.2xlarge"])(
    "rejects the accelerator type %s",
    (type) => {
      // Prepare
      const props = { defaultInstanceType: type };

      // Act
      const message = constructionError(props);

      // Assess
      expect(message).toBe(
        `defaultInstanceType "${type}" is a GPU or accelerator instance type; SageMaker Clarify does not use GPUs, choose a CPU type such as "ml.c5.xlarge"`,
      );
    },
  );

  it("rejects an instance type that is not ml.<family>.<size>", () => {
    // Prepare
    const props = { defaultInstanceType: "c5.xlarge" };

    // Act
    const message = constructionError(props);

    // Assess
    expect(message).toBe(
      'defaultInstanceType must look like "ml.<family>.<size>" (e.g. "ml.c5.xlarge"), got "c5.xlarge"',
    );
  });

  it("rejects a job-name prefix that breaks the processing job name pattern", () => {
    // Prepare
    const props = { jobNamePrefix: "clarify_runs-" };

    // Act
    const message = constructionError(props);

    // Assess
    expect(message).toBe(
      'jobNamePrefix must start with a letter or digit and hold only letters, digits and hyphens (processing job names match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$), got "clarify_runs-"',
    );
  });

  it("rejects a job-name prefix that leaves no room for a unique suffix", () => {
    // Prepare
    const prefix = "a".repeat(33);

    // Act
    const message = constructionError({ jobNamePrefix: prefix });

    // Assess
    expect(message).toBe(
      `jobNamePrefix must be at most 32 characters to leave room for a unique suffix in the 63-character job name, got "${prefix}" (33 characters)`,
    );
  });

  it.each([
    [{ defaultInstanceCount: 0 }, "defaultInstanceCount must be a whole number of at least 1, got 0"],
    [{ defaultInstanceCount: 1.5 }, "defaultInstanceCount must be a whole number of at least 1, got 1.5"],
    [
      { collectResultsMemorySize: 256 },
      "collectResultsMemorySize must be a whole number of MiB from 512 to 10240 (Lambda's largest), got 256",
    ],
    [
      { collectResultsMemorySize: 20_000 },
      "collectResultsMemorySize must be a whole number of MiB from 512 to 10240 (Lambda's largest), got 20000",
    ],
    [
      { defaultVolumeSizeInGB: 16_385 },
      "defaultVolumeSizeInGB must be a whole number from 1 to 16384, got 16385",
    ],
    [
      { timeoutMargin: Duration.seconds(30) },
      "timeoutMargin must be from 60 to 86400 seconds (it covers instance provisioning and result upload), got 30 seconds",
    ],
    [
      { outputPrefix: "/clarify-runs" },
      'outputPrefix must be empty or a relative S3 key prefix of URL-safe segments each ending with "/" (e.g. "clarify-runs/"), got "/clarify-runs"',
    ],
    [
      { allowedInputBuckets: ["Not_A_Bucket"] },
      'allowedInputBuckets must hold S3 bucket names (3-63 lowercase letters, digits, dots and hyphens), got "Not_A_Bucket"',
    ],
  ] satisfies [ClarifyPipelineProps, string][])("rejects %o", (props, expected) => {
    // Prepare
    const bad = props;

    // Act
    const message = constructionError(bad);

    // Assess
    expect(message).toBe(expected);
  });

  it("reports every problem at once, one per line", () => {
    // Prepare
    const props = { defaultInstanceCount: 0, jobNamePrefix: "-bad" };

    // Act
    const message = constructionError(props);

    // Assess
    expect(message.split("\n")).toEqual([
      "defaultInstanceCount must be a whole number of at least 1, got 0",
      'jobNamePrefix must start with a letter or digit and hold only letters, digits and hyphens (processing job names match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$), got "-bad"',
    ]);
  });
});

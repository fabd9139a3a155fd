import { describe, expect, it } from "vitest";
import { edited, requestInput, staticProblems } from "./fixtures.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary JSON inputs
type Request = Record<string, any>;
const R = "$.processingJobRequest";

describe("static rules on a raw CreateProcessingJob request", () => {
  it("accepts the valid request with no problem", () => {
    // Prepare
    const input = requestInput();
    // Act
    const problems = staticProblems(input);
    // Assess
    expect(problems).toEqual([]);
  });

  const cases: readonly [string, (r: Request) => void, string, RegExp][] = [
    [
      "ContainerEntrypoint",
      (r) => (r.AppSpecification.ContainerEntrypoint = ["python"]),
      `${R}.AppSpecification.ContainerEntrypoint`,
      /does not support ContainerEntrypoint; remove it/,
    ],
    [
      "ContainerArguments",
      (r) => (r.AppSpecification.ContainerArguments = ["--x"]),
      `${R}.AppSpecification.ContainerArguments`,
      /does not support ContainerArguments/,
    ],
    [
      "a missing ImageUri",
      (r) => (r.AppSpecification = {}),
      `${R}.AppSpecification.ImageUri`,
      /ImageUri is required/,
    ],
    [
      "a missing analysis_config input",
      (r) => r.ProcessingInputs.shift(),
      `${R}.ProcessingInputs`,
      /no input named "analysis_config"/,
    ],
    [
      "an input with another name",
      (r) => (r.ProcessingInputs[1].InputName = "data"),
      `${R}.ProcessingInputs[1].InputName`,
      /"data" is not an input Clarify reads/,
    ],
    [
      "a duplicated input name",
      (r) => r.ProcessingInputs.push(structuredClone(r.ProcessingInputs[1])),
      `${R}.ProcessingInputs[2].InputName`,
      /"dataset" is given twice/,
    ],
    [
      "a dataset LocalPath elsewhere",
      (r) => (r.ProcessingInputs[1].S3Input.LocalPath = "/data"),
      `${R}.ProcessingInputs[1].S3Input.LocalPath`,
      /LocalPath must be \/opt\/ml\/processing\/input\/data/,
    ],
    [
      "an analysis_config LocalPath elsewhere",
      (r) => (r.ProcessingInputs[0].S3Input.LocalPath = "/config"),
      `${R}.ProcessingInputs[0].S3Input.LocalPath`,
      /LocalPath must be \/opt\/ml\/processing\/input\/config/,
    ],
    [
      "S3InputMode Pipe",
      (r) => (r.ProcessingInputs[1].S3Input.S3InputMode = "Pipe"),
      `${R}.ProcessingInputs[1].S3Input.S3InputMode`,
      /"Pipe" is not allowed; S3InputMode must be File/,
    ],
    [
      "S3CompressionType Gzip",
      (r) => (r.ProcessingInputs[1].S3Input.S3CompressionType = "Gzip"),
      `${R}.ProcessingInputs[1].S3Input.S3CompressionType`,
      /"Gzip" is not allowed; S3CompressionType must be None/,
    ],
    [
      "S3DataDistributionType ShardedByS3Key",
      (r) => (r.ProcessingInputs[1].S3Input.S3DataDistributionType = "ShardedByS3Key"),
      `${R}.ProcessingInputs[1].S3Input.S3DataDistributionType`,
      /must be FullyReplicated/,
    ],
    [
      "an unsupported S3DataType",
      (r) => (r.ProcessingInputs[1].S3Input.S3DataType = "AugmentedManifestFile"),
      `${R}.ProcessingInputs[1].S3Input.S3DataType`,
      /S3DataType must be S3Prefix or ManifestFile/,
    ],
    [
      "a dataset input without S3DataType",
      (r) => delete r.ProcessingInputs[1].S3Input.S3DataType,
      `${R}.ProcessingInputs[1].S3Input.S3DataType`,
      /S3DataType is required/,
    ],
    [
      "a DatasetDefinition input",
      (r) => (r.ProcessingInputs[1] = { InputName: "dataset", DatasetDefinition: {} }),
      `${R}.ProcessingInputs[1].S3Input`,
      /DatasetDefinition is not supported/,
    ],
    [
      "two outputs",
      (r) => r.ProcessingOutputConfig.Outputs.push(structuredClone(r.ProcessingOutputConfig.Outputs[0])),
      `${R}.ProcessingOutputConfig.Outputs`,
      /2 outputs given; Outputs must hold exactly one output/,
    ],
    [
      "no outputs",
      (r) => (r.ProcessingOutputConfig.Outputs = []),
      `${R}.ProcessingOutputConfig.Outputs`,
      /0 outputs given/,
    ],
    [
      "an output with another name",
      (r) => (r.ProcessingOutputConfig.Outputs[0].OutputName = "result"),
      `${R}.ProcessingOutputConfig.Outputs[0].OutputName`,
      /OutputName must be analysis_result/,
    ],
    [
      "Continuous upload",
      (r) => (r.ProcessingOutputConfig.Outputs[0].S3Output.S3UploadMode = "Continuous"),
      `${R}.ProcessingOutputConfig.Outputs[0].S3Output.S3UploadMode`,
      /S3UploadMode must be EndOfJob/,
    ],
    [
      "an output URI naming an object",
      (r) =>
        (r.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri = "s3://clarify-artifacts/out/analysis.json"),
      `${R}.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri`,
      /the output must be an S3 prefix/,
    ],
    [
      "an output bucket outside the allowed buckets",
      (r) => (r.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri = "s3://victim-bucket/out/"),
      `${R}.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri`,
      /bucket "victim-bucket" is not allowed/,
    ],
    [
      "a config bucket outside the allowed buckets",
      (r) => (r.ProcessingInputs[0].S3Input.S3Uri = "s3://victim-bucket/c.json"),
      `${R}.ProcessingInputs[0].S3Input.S3Uri`,
      /bucket "victim-bucket" is not allowed/,
    ],
    [
      "a bucket outside the allowed buckets under a key that is not a JSON path name",
      (r) => (r.ExperimentConfig = { "Trial Component": "s3://victim-bucket/x" }),
      `${R}.ExperimentConfig["Trial Component"]`,
      /bucket "victim-bucket" is not allowed/,
    ],
    [
      "a missing ClusterConfig.InstanceType",
      (r) => delete r.ProcessingResources.ClusterConfig.InstanceType,
      `${R}.ProcessingResources.ClusterConfig.InstanceType`,
      /ClusterConfig.InstanceType is required/,
    ],
    [
      "a missing ClusterConfig.InstanceCount",
      (r) => delete r.ProcessingResources.ClusterConfig.InstanceCount,
      `${R}.ProcessingResources.ClusterConfig.InstanceCount`,
      /ClusterConfig.InstanceCount is required/,
    ],
    [
      "a missing ClusterConfig.VolumeSizeInGB",
      (r) => delete r.ProcessingResources.ClusterConfig.VolumeSizeInGB,
      `${R}.ProcessingResources.ClusterConfig.VolumeSizeInGB`,
      /ClusterConfig.VolumeSizeInGB is required/,
    ],
    [
      "missing ProcessingResources",
      (r) => delete r.ProcessingResources,
      `${R}.ProcessingResources`,
      /ProcessingResources.ClusterConfig is required/,
    ],
    [
      "an instance count above 100",
      (r) => (r.ProcessingResources.ClusterConfig.InstanceCount = 101),
      `${R}.ProcessingResources.ClusterConfig.InstanceCount`,
      /101 is out of range/,
    ],
    [
      "a GPU instance type",
      (r) => (r.ProcessingResources.ClusterConfig.InstanceType = "ml.g5.xlarge"),
      `${R}.ProcessingResources.ClusterConfig.InstanceType`,
      /ml.g5.xlarge is a GPU instance type/,
    ],
    [
      "network isolation",
      (r) => (r.NetworkConfig.EnableNetworkIsolation = true),
      `${R}.NetworkConfig.EnableNetworkIsolation`,
      /EnableNetworkIsolation must be false/,
    ],
    [
      "a max runtime over 7 days",
      (r) => (r.StoppingCondition.MaxRuntimeInSeconds = 1e6),
      `${R}.StoppingCondition.MaxRuntimeInSeconds`,
      /1000000 is out of range/,
    ],
    ["a missing RoleArn", (r) => delete r.RoleArn, `${R}.RoleArn`, /RoleArn is required/],
    [
      "a job name over 63 characters",
      (r) => (r.ProcessingJobName = "j".repeat(64)),
      `${R}.ProcessingJobName`,
      /is 64 characters; ProcessingJobName is at most 63/,
    ],
    [
      "a job name with underscores",
      (r) => (r.ProcessingJobName = "my_job"),
      `${R}.ProcessingJobName`,
      /breaks the ProcessingJobName pattern/,
    ],
    [
      "an unknown request member",
      (r) => (r.ProcessingJobArn = "x"),
      `${R}.ProcessingJobArn`,
      /unknown key "ProcessingJobArn"/,
    ],
  ];

  it.each(cases)("rejects %s", (_name, edit, path, message) => {
    // Prepare
    const input = edited(requestInput(), (i) => edit(i.processingJobRequest));
    // Act
    const problems = staticProblems(input);
    // Assess
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it("rejects run.json keys mixed into the request form", () => {
    // Prepare
    const input = { ...requestInput(), outputUri: "s3://clarify-artifacts/x/" };
    // Act
    const problems = staticProblems(input);
    // Assess
    expect(problems).toContainEqual({
      path: "$.outputUri",
      message: expect.stringMatching(/cannot be combined with processingJobRequest/),
    });
  });

  it("accepts a job name of exactly 63 characters", () => {
    // Prepare
    const input = edited(
      requestInput(),
      (i) => (i.processingJobRequest.ProcessingJobName = `a${"-b".repeat(31)}`),
    );
    // Act
    const problems = staticProblems(input);
    // Assess
    expect(problems).toEqual([]);
  });
});

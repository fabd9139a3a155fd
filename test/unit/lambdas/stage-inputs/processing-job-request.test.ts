import { describe, expect, it } from "vitest";
import { CLARIFY_CONTAINER_PATHS } from "../../../../lambdas/shared/processing-job-api.ts";
import {
  RUN_ID_TAG,
  renderProcessingJobRequest,
} from "../../../../lambdas/stage-inputs/processing-job-request.ts";
import { makeRun } from "./fixtures.ts";

const CONFIG_URI = "s3://clarify-runs/runs/credit-model-v7-exec-0001/input/analysis_config.json";
const DATASET_URI = "s3://clarify-runs/runs/credit-model-v7-exec-0001/input/dataset/train.csv";

type Input = { InputName: string; S3Input: Record<string, unknown> };

function render(
  overrides: Parameters<typeof makeRun>[0] = {},
  withDataset = true,
  engine?: "clarify" | "builtin",
) {
  return renderProcessingJobRequest({
    run: makeRun(overrides),
    jobName: "clarify-credit-model-v7-0123456789",
    analysisConfigUri: CONFIG_URI,
    dataset: withDataset ? { s3Uri: DATASET_URI, s3DataType: "S3Prefix" } : undefined,
    ...(engine ? { engine } : {}),
  });
}

/** The S3DataDistributionType of each input, by input name. */
function distributions(request: ReturnType<typeof render>): Record<string, unknown> {
  return Object.fromEntries(
    (request.ProcessingInputs as Input[]).map((input) => [
      input.InputName,
      input.S3Input.S3DataDistributionType,
    ]),
  );
}

describe("renderProcessingJobRequest", () => {
  it("always holds every field RunClarifyJob reads from the request", () => {
    // Prepare
    const fields = [
      "ProcessingJobName",
      "RoleArn",
      "AppSpecification",
      "ProcessingInputs",
      "ProcessingOutputConfig",
      "ProcessingResources",
      "StoppingCondition",
      "NetworkConfig",
      "Environment",
      "Tags",
    ];

    // Act
    const request = render({}, false);

    // Assess
    expect(Object.keys(request).sort()).toEqual([...fields].sort());
    expect(request.Environment).toEqual({});
    expect(request.Tags).toEqual([{ Key: RUN_ID_TAG, Value: "credit-model-v7-exec-0001" }]);
  });

  it("names the Clarify image without entrypoint or arguments", () => {
    // Prepare
    const run = makeRun();

    // Act
    const request = render();

    // Assess
    expect(request.AppSpecification).toEqual({ ImageUri: run.job.imageUri });
  });

  it("passes the analysis config as the analysis_config input at the config path", () => {
    // Prepare
    const expected = {
      InputName: "analysis_config",
      S3Input: {
        S3Uri: CONFIG_URI,
        LocalPath: CLARIFY_CONTAINER_PATHS.config,
        S3DataType: "S3Prefix",
        S3InputMode: "File",
        S3DataDistributionType: "FullyReplicated",
        S3CompressionType: "None",
      },
    };

    // Act
    const inputs = render().ProcessingInputs as Input[];

    // Assess
    expect(inputs[0]).toEqual(expected);
  });

  it("reads the dataset in File mode, uncompressed and fully replicated", () => {
    // Prepare
    const expected = {
      InputName: "dataset",
      S3Input: {
        S3Uri: DATASET_URI,
        LocalPath: "/opt/ml/processing/input/data",
        S3DataType: "S3Prefix",
        S3InputMode: "File",
        S3DataDistributionType: "FullyReplicated",
        S3CompressionType: "None",
      },
    };

    // Act
    const inputs = render().ProcessingInputs as Input[];

    // Assess
    expect(inputs).toHaveLength(2);
    expect(inputs[1]).toEqual(expected);
  });

  it.each([
    ["the Clarify image on several instances", "clarify", 3, "FullyReplicated"],
    ["the builtin engine on one instance", "builtin", 1, "FullyReplicated"],
    ["the builtin engine on several instances", "builtin", 3, "ShardedByS3Key"],
  ] as const)("shards the dataset by S3 object only for %s", (_, engine, instanceCount, expected) => {
    // Prepare
    const job = { ...makeRun().job, instanceCount };

    // Act
    const request = render({ job }, true, engine);

    // Assess
    expect(distributions(request)).toEqual({ analysis_config: "FullyReplicated", dataset: expected });
    expect(request.ProcessingResources).toEqual({
      ClusterConfig: expect.objectContaining({ InstanceCount: instanceCount }),
    });
  });

  it("omits the dataset input when the config names its own dataset_uri", () => {
    // Prepare
    const withoutDataset = false;

    // Act
    const inputs = render({ dataset: undefined }, withoutDataset).ProcessingInputs as Input[];

    // Assess
    expect(inputs.map((input) => input.InputName)).toEqual(["analysis_config"]);
  });

  it("writes exactly one analysis_result output to <runUri>output/ at end of job", () => {
    // Prepare
    const run = makeRun({ job: { ...makeRun().job, outputKmsKeyId: "alias/clarify" } });

    // Act
    const request = renderProcessingJobRequest({ run, jobName: "j", analysisConfigUri: CONFIG_URI });

    // Assess
    expect(request.ProcessingOutputConfig).toEqual({
      Outputs: [
        {
          OutputName: "analysis_result",
          S3Output: {
            S3Uri: `${run.runUri}output/`,
            LocalPath: "/opt/ml/processing/output",
            S3UploadMode: "EndOfJob",
          },
        },
      ],
      KmsKeyId: "alias/clarify",
    });
  });

  it("sizes the cluster from the job settings, with the volume key when given", () => {
    // Prepare
    const job = { ...makeRun().job, instanceCount: 3, volumeKmsKeyId: "key-1", maxRuntimeInSeconds: 900 };

    // Act
    const request = render({ job });

    // Assess
    expect(request.ProcessingResources).toEqual({
      ClusterConfig: {
        InstanceCount: 3,
        InstanceType: "ml.c5.xlarge",
        VolumeSizeInGB: 30,
        VolumeKmsKeyId: "key-1",
      },
    });
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 900 });
  });

  it("keeps network isolation off and runs in the given VPC", () => {
    // Prepare
    const vpcConfig = { Subnets: ["subnet-1"], SecurityGroupIds: ["sg-1"] };

    // Act
    const isolated = render().NetworkConfig;
    const inVpc = render({ job: { ...makeRun().job, vpcConfig } }).NetworkConfig;

    // Assess
    expect(isolated).toEqual({ EnableNetworkIsolation: false });
    expect(inVpc).toEqual({ EnableNetworkIsolation: false, VpcConfig: vpcConfig });
  });

  it("keeps user tags and environment, and the run-id tag cannot be overridden", () => {
    // Prepare
    const job = {
      ...makeRun().job,
      environment: { LOG_LEVEL: "debug" },
      tags: [
        { Key: "team", Value: "risk" },
        { Key: RUN_ID_TAG, Value: "spoofed" },
      ],
    };

    // Act
    const request = render({ job });

    // Assess
    expect(request.Environment).toEqual({ LOG_LEVEL: "debug" });
    expect(request.Tags).toEqual([
      { Key: "team", Value: "risk" },
      { Key: RUN_ID_TAG, Value: "credit-model-v7-exec-0001" },
    ]);
  });
});

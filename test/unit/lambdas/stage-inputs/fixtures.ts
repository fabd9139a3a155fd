/** Shared fixtures of the stage-inputs tests: a run, its execution, the settings. */
import type { ExecutionInfo, NormalizedRun } from "../../../../contracts/pipeline-state.ts";
import type { DeploymentSettings } from "../../../../lambdas/shared/settings.ts";

export const SOURCE_BUCKET = "source-data";
export const RUNS_BUCKET = "clarify-runs";

export const settings: DeploymentSettings = {
  region: "us-east-1",
  defaultOutputUri: `s3://${RUNS_BUCKET}/runs/`,
  allowedBuckets: [SOURCE_BUCKET, RUNS_BUCKET],
  defaultRoleArn: "arn:aws:iam::123456789012:role/clarify-job",
  clarifyImageUri: "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0",
  defaultInstanceType: "ml.c5.xlarge",
  defaultInstanceCount: 1,
  defaultVolumeSizeInGB: 30,
  defaultMaxRuntimeInSeconds: 3600,
  timeoutMarginSeconds: 3600,
  jobNamePrefix: "clarify-",
};

export const execution: ExecutionInfo = {
  name: "exec-0001",
  id: "arn:aws:states:us-east-1:123456789012:execution:clarify-pipeline:exec-0001",
  startTime: "2025-01-01T00:00:00.000Z",
};

export function makeRun(overrides: Partial<NormalizedRun> = {}): NormalizedRun {
  return {
    runId: "credit-model-v7-exec-0001",
    runName: "credit-model-v7",
    runUri: `s3://${RUNS_BUCKET}/runs/credit-model-v7-exec-0001/`,
    analysisConfig: { inline: { version: "1.0", dataset_type: "text/csv", label: "Target" } },
    dataset: { s3Uri: `s3://${SOURCE_BUCKET}/data/train.csv`, s3DataType: "S3Prefix" },
    job: {
      instanceType: "ml.c5.xlarge",
      instanceCount: 1,
      volumeSizeInGB: 30,
      maxRuntimeInSeconds: 3600,
      imageUri: settings.clarifyImageUri,
      roleArn: settings.defaultRoleArn,
    },
    gates: { CI: { absMax: 0.2 } },
    timeoutSeconds: 7200,
    ...overrides,
  };
}

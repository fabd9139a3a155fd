/** Shared inputs of the validate-config tests: a deployment and valid inputs of both forms. */
import type { ConfigProblem } from "../../../../lambdas/shared/errors.ts";
import type { DeploymentSettings } from "../../../../lambdas/shared/settings.ts";
import type { RuleContext } from "../../../../lambdas/validate-config/rules/context.ts";
import { runStaticRules } from "../../../../lambdas/validate-config/static-rules.ts";

export const SETTINGS: DeploymentSettings = {
  region: "us-east-1",
  defaultOutputUri: "s3://clarify-artifacts/clarify-runs",
  allowedBuckets: ["clarify-data", "clarify-artifacts"],
  defaultRoleArn: "arn:aws:iam::123456789012:role/ClarifyJobRole",
  clarifyImageUri: "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0",
  defaultInstanceType: "ml.c5.xlarge",
  defaultInstanceCount: 1,
  defaultVolumeSizeInGB: 30,
  defaultMaxRuntimeInSeconds: 3600,
  timeoutMarginSeconds: 900,
  jobNamePrefix: "clarify-",
};

export const CONTEXT: RuleContext = {
  settings: SETTINGS,
  enforceAllowedBuckets: true,
  allowLocalPaths: false,
};

/** A pre-training bias config over the columns of DATASET_CSV. */
export function analysisConfig(): Record<string, unknown> {
  return {
    version: "1.0",
    dataset_type: "text/csv",
    label: "Target",
    label_values_or_threshold: [1],
    facet: [{ name_or_index: "Sex", value_or_threshold: [0] }],
    excluded_columns: ["Id"],
    methods: { pre_training_bias: { methods: ["CI", "DPL"] }, report: { name: "report" } },
  };
}

export const DATASET_CSV = "Id,Age,Sex,Income,Target\n1,35,0,52000,1\n2,42,1,61000,0\n3,29,0,38000,0\n";

/** A valid run.json (high-level form). */
export function runInput(): Record<string, unknown> {
  return {
    runName: "credit-model-v7",
    analysisConfig: analysisConfig(),
    dataset: { uri: "s3://clarify-data/credit/train.csv", s3DataType: "S3Prefix" },
    outputUri: "s3://clarify-artifacts/clarify-runs/",
    job: { instanceType: "ml.c5.xlarge", instanceCount: 1, volumeSizeInGB: 20, maxRuntimeInSeconds: 3600 },
    gates: { CI: { absMax: 0.2 }, DPL: { min: -0.1, max: 0.1 } },
  };
}

/** A valid `{ processingJobRequest }` input. */
export function requestInput(): { processingJobRequest: Record<string, unknown> } {
  return {
    processingJobRequest: {
      ProcessingJobName: "credit-bias-1",
      AppSpecification: { ImageUri: SETTINGS.clarifyImageUri },
      RoleArn: "arn:aws:iam::123456789012:role/ClarifyJobRole",
      ProcessingInputs: [
        {
          InputName: "analysis_config",
          S3Input: {
            S3Uri: "s3://clarify-data/credit/analysis_config.json",
            LocalPath: "/opt/ml/processing/input/config",
            S3DataType: "S3Prefix",
            S3InputMode: "File",
          },
        },
        {
          InputName: "dataset",
          S3Input: {
            S3Uri: "s3://clarify-data/credit/train.csv",
            LocalPath: "/opt/ml/processing/input/data",
            S3DataType: "S3Prefix",
            S3InputMode: "File",
            S3CompressionType: "None",
            S3DataDistributionType: "FullyReplicated",
          },
        },
      ],
      ProcessingOutputConfig: {
        Outputs: [
          {
            OutputName: "analysis_result",
            S3Output: {
              S3Uri: "s3://clarify-artifacts/clarify-runs/",
              LocalPath: "/opt/ml/processing/output",
              S3UploadMode: "EndOfJob",
            },
          },
        ],
      },
      ProcessingResources: {
        ClusterConfig: { InstanceCount: 1, InstanceType: "ml.c5.xlarge", VolumeSizeInGB: 20 },
      },
      StoppingCondition: { MaxRuntimeInSeconds: 7200 },
      NetworkConfig: { EnableNetworkIsolation: false },
    },
  };
}

/** The problems the static rules find in `input`. */
export function staticProblems(input: unknown, context: RuleContext = CONTEXT): readonly ConfigProblem[] {
  return runStaticRules(input, context).problems.list;
}

/** Deep-clones `base` and lets `edit` change the clone. */
export function edited<T>(base: T, edit: (draft: T) => void): T {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

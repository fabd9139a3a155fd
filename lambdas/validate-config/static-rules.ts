/** Every static rule, in the order their problems are reported. */
import { Problems } from "./problems.ts";
import { checkInlineAnalysisConfig } from "./rules/analysis-config.ts";
import { checkBaseline } from "./rules/baseline.ts";
import {
  checkClusterConfigPresent,
  checkInstanceCount,
  checkInstanceType,
  checkVolumeSize,
} from "./rules/cluster.ts";
import type { Rule, RuleContext } from "./rules/context.ts";
import { checkDatasetPresent, checkDatasetS3DataType } from "./rules/dataset.ts";
import { checkDatasetDistribution } from "./rules/dataset-distribution.ts";
import { checkDefaultRoleCapabilities } from "./rules/default-role.ts";
import { checkGates } from "./rules/gates.ts";
import { checkImageUri, checkNoContainerOverrides } from "./rules/image.ts";
import { checkEnvironment, checkKmsKeys, checkTags } from "./rules/job-metadata.ts";
import { checkJobName } from "./rules/job-name.ts";
import { checkLocalModel } from "./rules/local-model.ts";
import { checkModelPackageArn } from "./rules/model-package.ts";
import { checkNetworkIsolation, checkVpcConfig } from "./rules/network.ts";
import { checkProcessingInputs } from "./rules/processing-inputs.ts";
import { checkProcessingOutput } from "./rules/processing-output.ts";
import { checkRoleArn } from "./rules/role.ts";
import { checkRunName } from "./rules/run-name.ts";
import {
  checkAnalysisConfigSource,
  checkDatasetUri,
  checkOutputUri,
  checkOutputWritable,
  checkRequestS3Uris,
} from "./rules/s3-locations.ts";
import { checkMaxRuntime } from "./rules/stopping-condition.ts";
import { type RunDraft, readRunInput } from "./run-input.ts";

export const STATIC_RULES: readonly Rule[] = [
  checkRunName,
  checkAnalysisConfigSource,
  checkInlineAnalysisConfig,
  checkDatasetUri,
  checkDatasetS3DataType,
  checkDatasetPresent,
  checkOutputUri,
  checkOutputWritable,
  checkProcessingInputs,
  checkDatasetDistribution,
  checkProcessingOutput,
  checkRequestS3Uris,
  checkImageUri,
  checkNoContainerOverrides,
  checkClusterConfigPresent,
  checkInstanceType,
  checkInstanceCount,
  checkVolumeSize,
  checkNetworkIsolation,
  checkVpcConfig,
  checkMaxRuntime,
  checkRoleArn,
  checkJobName,
  checkTags,
  checkEnvironment,
  checkKmsKeys,
  checkDefaultRoleCapabilities,
  checkGates,
  checkBaseline,
  checkModelPackageArn,
  checkLocalModel,
];

/** Reads the input and runs every static rule; the draft is undefined when the input is not an object. */
export function runStaticRules(
  input: unknown,
  context: RuleContext,
): { draft?: RunDraft; problems: Problems } {
  const problems = new Problems();
  const draft = readRunInput(input, problems);
  if (draft) for (const rule of STATIC_RULES) rule(draft, context, problems);
  return { draft, problems };
}

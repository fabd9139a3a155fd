import { show } from "../problems.ts";
import type { Rule } from "./context.ts";

/**
 * The job role the ClarifyPipeline construct creates may read and write S3 where the pipeline
 * does, log, and use Clarify's shadow endpoint: nothing more. A job in a VPC needs
 * `ec2:CreateNetworkInterface` and friends on the VPC's subnets, and KMS-encrypted volumes or
 * outputs need `kms:CreateGrant`/`kms:GenerateDataKey` on their keys, which this role does not
 * hold (which subnets and keys would be guesses at deploy time). Such a run is refused at once
 * instead of failing at CreateProcessingJob or at upload, after money was spent.
 */
export const checkDefaultRoleCapabilities: Rule = (draft, context, problems) => {
  if (!context.settings.defaultRoleIsBasic) return;
  const roleArn = draft.job.roleArn?.value;
  if (roleArn !== undefined && roleArn !== context.settings.defaultRoleArn) return;
  const needs = [
    {
      field: draft.job.vpcConfig,
      what: "a job in a VPC needs a role that may create network interfaces in its subnets",
    },
    { field: draft.job.volumeKmsKeyId, what: "a KMS-encrypted volume needs a role that may use the key" },
    { field: draft.job.outputKmsKeyId, what: "a KMS-encrypted output needs a role that may use the key" },
  ];
  for (const { field, what } of needs) {
    if (!field || field.value === undefined || field.value === null) continue;
    problems.add(
      field.path,
      `${show(summary(field.value))} cannot be used with this deployment's default job role: ${what}; deploy the pipeline with a jobRole that grants it (see the README, "Deploying to AWS")`,
    );
  }
};

/** VpcConfig is an object: name it by its subnets rather than quoting the whole object. */
function summary(value: unknown): unknown {
  if (value && typeof value === "object" && "Subnets" in value)
    return `VpcConfig with Subnets ${JSON.stringify((value as { Subnets: unknown }).Subnets)}`;
  return value;
}

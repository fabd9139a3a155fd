/** A run needing a VPC or KMS keys is refused when it would run as the construct's basic job role. */
import { describe, expect, it } from "vitest";
import { CONTEXT, edited, requestInput, runInput, SETTINGS, staticProblems } from "./fixtures.ts";

const BASIC_ROLE = { ...CONTEXT, settings: { ...SETTINGS, defaultRoleIsBasic: true } };
const VPC = { Subnets: ["subnet-0a1b2c3d"], SecurityGroupIds: ["sg-0a1b2c3d"] };

function withJob(job: Record<string, unknown>): Record<string, unknown> {
  const input = runInput();
  return { ...input, job: { ...(input.job as Record<string, unknown>), ...job } };
}

describe("with the construct's basic default job role", () => {
  it("refuses a job in a VPC, saying which role to deploy instead", () => {
    // Act
    const problems = staticProblems(withJob({ vpcConfig: VPC }), BASIC_ROLE);
    // Assess
    expect(problems).toEqual([
      {
        path: "$.job.vpcConfig",
        message:
          '"VpcConfig with Subnets [\\"subnet-0a1b2c3d\\"]" cannot be used with this deployment\'s default job role: a job in a VPC needs a role that may create network interfaces in its subnets; deploy the pipeline with a jobRole that grants it (see the README, "Deploying to AWS")',
      },
    ]);
  });

  it("refuses KMS keys for the volume and the output", () => {
    // Act
    const problems = staticProblems(
      withJob({ volumeKmsKeyId: "alias/clarify-volume", outputKmsKeyId: "alias/clarify-output" }),
      BASIC_ROLE,
    );
    // Assess
    expect(problems.map((problem) => problem.path)).toEqual(["$.job.volumeKmsKeyId", "$.job.outputKmsKeyId"]);
    expect(problems[0]?.message).toMatch(
      /^"alias\/clarify-volume" cannot be used with this deployment's default job role/,
    );
  });

  it("refuses them when the run names the default role itself (request form)", () => {
    // Prepare
    const input = edited(requestInput(), (i) => {
      i.processingJobRequest.RoleArn = SETTINGS.defaultRoleArn;
      i.processingJobRequest.NetworkConfig = { EnableNetworkIsolation: false, VpcConfig: VPC };
    });
    // Act
    const problems = staticProblems(input, BASIC_ROLE);
    // Assess
    expect(problems.map((problem) => problem.path)).toEqual([
      "$.processingJobRequest.NetworkConfig.VpcConfig",
    ]);
  });

  it("accepts them with another role, or when the deployer gave the default role", () => {
    // Prepare
    const input = withJob({ vpcConfig: VPC, volumeKmsKeyId: "alias/clarify-volume" });
    const ownRole = withJob({
      vpcConfig: VPC,
      volumeKmsKeyId: "alias/clarify-volume",
      roleArn: "arn:aws:iam::123456789012:role/VpcClarifyJobRole",
    });
    // Act / Assess
    expect(staticProblems(ownRole, BASIC_ROLE)).toEqual([]);
    expect(staticProblems(input, CONTEXT)).toEqual([]);
  });
});

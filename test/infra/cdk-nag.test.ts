import { App, Stack, Validations } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import * as iam from "aws-cdk-lib/aws-iam";
import { beforeAll, describe, expect, it } from "vitest";
import { acknowledgeWildcardResources } from "../../lib/private/acknowledge-wildcards.ts";
import { AwsSolutionsChecks } from "../../lib/private/cdk-nag.ts";
import { wildcardJustifications } from "../../lib/private/policy-statements.ts";
import { type SynthesizedPipeline, synthesizePipeline } from "./synth-pipeline.ts";

interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
  readonly path: string;
}

/** Every acknowledgement recorded under a scope, with where it was made. */
function acknowledgementsUnder(scope: Stack): Acknowledgement[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, { reason: string } | string>).map(([id, value]) => ({
          id,
          reason: typeof value === "string" ? value : value.reason,
          path: construct.node.path,
        })),
      ),
  );
}

describe("cdk-nag AwsSolutions", () => {
  let synth: SynthesizedPipeline;
  beforeAll(() => {
    synth = synthesizePipeline();
  });

  it("finds no unacknowledged error or warning in the example stack", () => {
    // Prepare
    const checks = new AwsSolutionsChecks(undefined, { verbose: true });

    // Act
    const report = checks.validateScope(synth.stack);

    // Assess
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("leaves no CDK error or warning annotation on the stack", () => {
    // Prepare
    const annotations = Annotations.fromStack(synth.stack);

    // Act
    const problems = [
      ...annotations.findError("*", Match.anyValue()),
      ...annotations.findWarning("*", Match.anyValue()),
    ];

    // Assess
    expect(problems).toEqual([]);
  });

  it("acknowledges only IAM5 wildcard resources and the access-log bucket's own logging, each with a reason", () => {
    // Prepare
    const acknowledgements = acknowledgementsUnder(synth.stack).filter((ack) =>
      ack.id.includes("AwsSolutions-"),
    );

    // Act
    const ruleIds = new Set(
      acknowledgements.map((ack) => ack.id.replace(/^annotation::/i, "").replace(/\[.*$/, "")),
    );

    // Assess
    expect(ruleIds).toEqual(new Set(["AwsSolutions-IAM5", "AwsSolutions-S1"]));
    for (const ack of acknowledgements) {
      expect(ack.reason.length).toBeGreaterThan(40);
      if (ack.id.includes("IAM5")) expect(ack.id).toMatch(/AwsSolutions-IAM5\[Resource::.+\]$/);
    }
    expect(
      acknowledgements.filter((ack) => ack.id.includes("AwsSolutions-S1")).map((ack) => ack.path),
    ).toEqual(["ClarifyPipelineTest/ClarifyPipeline/AccessLogsBucket"]);
  });

  it("acknowledges the processing-job prefix wildcard on the state machine role", () => {
    // Prepare
    const acknowledgements = acknowledgementsUnder(synth.stack);

    // Act
    const onStateMachineRole = acknowledgements
      .filter((ack) => ack.path === "ClarifyPipelineTest/ClarifyPipeline/StateMachine/Role")
      .map((ack) => ack.id.replace(/^annotation::/i, ""));

    // Assess
    expect(onStateMachineRole).toContain(
      "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:processing-job/clarify-*]",
    );
  });
});

describe("acknowledgeWildcardResources", () => {
  it("leaves a wildcard nobody justified as a finding", () => {
    // Prepare
    const stack = new Stack(new App(), "Unjustified");
    const document = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          actions: ["s3:GetObject"],
          resources: ["arn:aws:s3:::some-bucket/clarify-runs/*"],
        }),
        new iam.PolicyStatement({
          actions: ["sqs:SendMessage"],
          resources: ["arn:aws:sqs:us-east-1:123456789012:*"],
        }),
      ],
    });
    const role = new iam.Role(stack, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      inlinePolicies: { Test: document },
    });

    // Act
    const acknowledged = acknowledgeWildcardResources(
      role,
      [document],
      wildcardJustifications("clarify-runs/"),
    );
    const report = new AwsSolutionsChecks().validateScope(stack);

    // Assess
    expect(acknowledged).toEqual(["AwsSolutions-IAM5[Resource::arn:aws:s3:::some-bucket/clarify-runs/*]"]);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([
      "AwsSolutions-IAM5[Resource::arn:aws:sqs:us-east-1:123456789012:*]",
    ]);
  });
});

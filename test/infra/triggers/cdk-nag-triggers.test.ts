/** cdk-nag AwsSolutions and cfn-lint on the example stack with every trigger in it. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duration, Validations } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import * as events from "aws-cdk-lib/aws-events";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it } from "vitest";
import { AwsSolutionsChecks } from "../../../lib/private/cdk-nag.ts";
import { type SynthesizedPipeline, synthesizePipeline } from "../synth-pipeline.ts";
import { logicalIdOf } from "../template-helpers.ts";

interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
  readonly path: string;
}

function acknowledgementsUnder(scope: IConstruct): Acknowledgement[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, { reason: string } | string>).map(([id, value]) => ({
          id: id.replace(/^annotation::/i, ""),
          reason: typeof value === "string" ? value : value.reason,
          path: construct.node.path,
        })),
      ),
  );
}

let synth: SynthesizedPipeline;
beforeAll(() => {
  synth = synthesizePipeline({
    triggers: {
      schedules: {
        schedules: [
          {
            name: "nightly",
            schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
            run: { runName: "nightly", analysisConfigUri: "s3://credit-data-bucket/analysis_config.json" },
          },
        ],
      },
      trainingJob: {
        trainingJobNamePrefix: "credit-",
        runInput: events.RuleTargetInput.fromObject({
          runName: events.EventField.fromPath("$.detail.TrainingJobName"),
          analysisConfigUri: "s3://credit-data-bucket/analysis_config.json",
        }),
      },
      modelPackage: {
        modelPackageGroupName: "credit-model",
        updateApprovalStatus: true,
        run: {
          analysisConfig: {
            label: "y",
            predictor: { instance_type: "ml.m5.xlarge", initial_instance_count: 1 },
          },
        },
      },
    },
  });
});

describe("cdk-nag AwsSolutions with the triggers", () => {
  it("finds no unacknowledged error or warning", () => {
    // Prepare
    const checks = new AwsSolutionsChecks(undefined, { verbose: true });

    // Act
    const report = checks.validateScope(synth.stack);

    // Assess
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("leaves no CDK error or warning annotation", () => {
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

  it("acknowledges only the dead-letter queues' SQS3 and the runner's justified wildcards, each with a reason", () => {
    // Prepare
    const { triggers } = synth.stack;
    const scopes = [triggers.schedules, triggers.trainingJob, triggers.modelPackage] as IConstruct[];
    const pipelineId = logicalIdOf(synth.stack.pipeline.stateMachine);

    // Act
    const acknowledgements = scopes.flatMap(acknowledgementsUnder);

    // Assess
    for (const ack of acknowledgements) expect(ack.reason.length).toBeGreaterThan(40);
    expect(acknowledgements.filter((ack) => ack.id === "AwsSolutions-SQS3").map((ack) => ack.path)).toEqual([
      "ClarifyPipelineTest/RunSchedules/DeadLetterQueue",
      "ClarifyPipelineTest/TrainingJobTrigger/DeadLetterQueue",
      "ClarifyPipelineTest/ModelPackageTrigger/DeadLetterQueue",
    ]);
    expect(
      acknowledgements
        .filter((ack) => ack.id !== "AwsSolutions-SQS3")
        .map((ack) => `${ack.path} ${ack.id}`)
        .sort(),
    ).toEqual(
      [
        "*",
        "arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model-package/credit-model/*",
        "arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model/clarify-tmp-*",
        `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${pipelineId}"}]}]}:*`,
      ].map(
        (resource) =>
          `ClarifyPipelineTest/ModelPackageTrigger/Runner/Role AwsSolutions-IAM5[Resource::${resource}]`,
      ),
    );
  });
});

describe("cfn-lint with the triggers", () => {
  it("finds no error or warning in the synthesized template", () => {
    // Prepare
    const workDir = mkdtempSync(join(tmpdir(), "clarify-triggers-lint-"));
    const templatePath = join(workDir, "ClarifyPipelineStack.template.json");
    writeFileSync(templatePath, JSON.stringify(synth.template.toJSON(), null, 2));

    // Act
    // W3005: CDK's explicit DependsOn beside a GetAtt is redundant, not wrong (as in test/infra/cfn-lint.test.ts).
    const run = spawnSync("cfn-lint", ["--format", "json", "--ignore-checks", "W3005", "--", templatePath], {
      encoding: "utf8",
      timeout: 120_000,
    });
    rmSync(workDir, { recursive: true, force: true });
    const findings = JSON.parse(run.stdout || "[]") as {
      Level: string;
      Message: string;
      Rule: { Id: string };
      Location: { Path: (string | number)[] };
    }[];

    // Assess
    expect(run.error).toBeUndefined();
    expect(findings.map((f) => `${f.Level} ${f.Rule.Id} ${f.Location.Path.join("/")}: ${f.Message}`)).toEqual(
      [],
    );
    expect(run.status).toBe(0);
  });
});

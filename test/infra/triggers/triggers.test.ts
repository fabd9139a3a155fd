/** The triggers synthesized beside a stand-in state machine: rules, schedules, targets, inputs and policies. */
import { readFileSync } from "node:fs";
import { App, Duration, Stack, TimeZone } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { describe, expect, it } from "vitest";
import {
  ClarifyModelPackageTrigger,
  ClarifyRunSchedules,
  ClarifyTrainingJobTrigger,
} from "../../../lib/triggers/index.ts";
import {
  type ClarifyModelPackageTriggerProps,
  MODEL_PACKAGE_RUN_DEFINITION_PATH,
} from "../../../lib/triggers/model-package-trigger.ts";
import { attachedStatements, logicalIdOf, regionalArn } from "../template-helpers.ts";

interface Fixture {
  readonly stack: Stack;
  readonly stateMachine: sfn.StateMachine;
  readonly jobRole: iam.Role;
  readonly stateMachineId: string;
}

function fixture(): Fixture {
  const stack = new Stack(new App(), "Triggers");
  const stateMachine = new sfn.StateMachine(stack, "Pipeline", {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, "Run")),
  });
  const jobRole = new iam.Role(stack, "JobRole", {
    assumedBy: new iam.ServicePrincipal("sagemaker.amazonaws.com"),
  });
  return { stack, stateMachine, jobRole, stateMachineId: logicalIdOf(stateMachine) };
}

const queueArn = (id: string) => ({ "Fn::GetAtt": [id, "Arn"] });
const RUN = { runName: "credit", analysisConfigUri: "s3://cfg/analysis_config.json" };

describe("ClarifyRunSchedules", () => {
  function synth() {
    const f = fixture();
    const schedules = new ClarifyRunSchedules(f.stack, "Schedules", {
      stateMachine: f.stateMachine,
      retryAttempts: 2,
      maxEventAge: Duration.minutes(30),
      schedules: [
        {
          name: "nightly",
          schedule: scheduler.ScheduleExpression.cron({
            minute: "0",
            hour: "6",
            timeZone: TimeZone.EUROPE_BERLIN,
          }),
          run: RUN,
        },
        {
          name: "weekly",
          schedule: scheduler.ScheduleExpression.rate(Duration.days(7)),
          run: { runName: "w" },
        },
      ],
    });
    return { ...f, schedules, template: Template.fromStack(f.stack) };
  }

  it("starts the pipeline through the universal StartExecution target, named after the schedule and Scheduler's execution id", () => {
    // Prepare
    const { template, stateMachineId, schedules } = synth();
    const dlq = logicalIdOf(schedules.deadLetterQueue);

    // Act
    const nightly = Object.values(
      template.findResources("AWS::Scheduler::Schedule", { Properties: { Name: "nightly" } }),
    );

    // Assess
    expect(nightly).toHaveLength(1);
    expect(nightly[0]?.Properties).toEqual({
      Name: "nightly",
      ScheduleExpression: "cron(0 6 * * ? *)",
      ScheduleExpressionTimezone: "Europe/Berlin",
      State: "ENABLED",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        Arn: {
          "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":scheduler:::aws-sdk:sfn:startExecution"]],
        },
        RoleArn: { "Fn::GetAtt": [logicalIdOf(schedules.role), "Arn"] },
        DeadLetterConfig: { Arn: queueArn(dlq) },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 1800 },
        Input: {
          "Fn::Join": [
            "",
            [
              '{"StateMachineArn":"',
              { Ref: stateMachineId },
              `","Name":"nightly-<aws.scheduler.execution-id>","Input":${JSON.stringify(JSON.stringify(RUN))}}`,
            ],
          ],
        },
      },
    });
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      Name: "weekly",
      ScheduleExpression: "rate(7 days)",
      ScheduleExpressionTimezone: "Etc/UTC",
    });
  });

  it("lets Scheduler's role start this pipeline and dead-letter to its queue, nothing else", () => {
    // Prepare
    const { template, stateMachineId, schedules } = synth();
    const roleId = logicalIdOf(schedules.role);

    // Act
    const statements = attachedStatements(template, roleId);

    // Assess
    expect(statements).toEqual([
      { Effect: "Allow", Action: "states:StartExecution", Resource: { Ref: stateMachineId } },
      {
        Effect: "Allow",
        Action: "sqs:SendMessage",
        Resource: queueArn(logicalIdOf(schedules.deadLetterQueue)),
      },
    ]);
    template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: "sts:AssumeRole",
            Effect: "Allow",
            Principal: { Service: "scheduler.amazonaws.com" },
            Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
          },
        ],
      },
    });
  });

  it("creates an encrypted, TLS-only dead-letter queue", () => {
    // Prepare
    const { template, schedules } = synth();
    const dlq = logicalIdOf(schedules.deadLetterQueue);

    // Act
    const queue = template.toJSON().Resources[dlq];

    // Assess
    expect(queue.Properties).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: dlq }],
      PolicyDocument: {
        Statement: [
          {
            Action: "sqs:*",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Condition: { Bool: { "aws:SecureTransport": "false" } },
            Resource: queueArn(dlq),
          },
        ],
      },
    });
  });

  it.each([
    ["an empty list", { schedules: [] }, "schedules must hold at least one schedule, got none"],
    [
      "a name with a colon",
      {
        schedules: [
          { name: "daily:6", schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), run: RUN },
        ],
      },
      'schedules[0].name must be 1 to 48 letters, digits, "-" or "_" (it prefixes the execution names), got "daily:6"',
    ],
    [
      "a duplicate name",
      {
        schedules: [
          { name: "daily", schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), run: RUN },
          { name: "daily", schedule: scheduler.ScheduleExpression.rate(Duration.days(2)), run: RUN },
        ],
      },
      'schedules[1].name "daily" is used by an earlier schedule',
    ],
    [
      "too many retries",
      {
        retryAttempts: 186,
        schedules: [
          { name: "daily", schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), run: RUN },
        ],
      },
      "retryAttempts must be a whole number from 0 to 185, got 186",
    ],
    [
      "a too short event age",
      {
        maxEventAge: Duration.seconds(30),
        schedules: [
          { name: "daily", schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), run: RUN },
        ],
      },
      "maxEventAge must be from 60 to 86400 seconds (1 minute to 24 hours), got 30 seconds",
    ],
  ])("rejects %s at synth", (_case, props, message) => {
    // Prepare
    const f = fixture();

    // Act
    const create = () =>
      new ClarifyRunSchedules(f.stack, "Schedules", { stateMachine: f.stateMachine, ...props });

    // Assess
    expect(create).toThrow(message);
  });
});

describe("ClarifyTrainingJobTrigger", () => {
  function synth(trainingJobNamePrefix?: string) {
    const f = fixture();
    const trigger = new ClarifyTrainingJobTrigger(f.stack, "TrainingJob", {
      stateMachine: f.stateMachine,
      trainingJobNamePrefix,
      runInput: events.RuleTargetInput.fromObject({
        runName: events.EventField.fromPath("$.detail.TrainingJobName"),
        analysisConfigUri: "s3://cfg/analysis_config.json",
        dataset: {
          uri: events.EventField.fromPath("$.detail.InputDataConfig[0].DataSource.S3DataSource.S3Uri"),
        },
      }),
    });
    return { ...f, trigger, template: Template.fromStack(f.stack) };
  }

  it("matches completed training jobs with the name prefix and maps the event into the run input", () => {
    // Prepare
    const { template, trigger, stateMachineId } = synth("credit-");

    // Act
    const rule = template.toJSON().Resources[logicalIdOf(trigger.rule)];

    // Assess
    expect(rule.Properties.EventPattern).toEqual({
      source: ["aws.sagemaker"],
      "detail-type": ["SageMaker Training Job State Change"],
      detail: { TrainingJobStatus: ["Completed"], TrainingJobName: [{ prefix: "credit-" }] },
    });
    expect(rule.Properties.Targets).toEqual([
      {
        Id: "Target0",
        Arn: { Ref: stateMachineId },
        RoleArn: { "Fn::GetAtt": [logicalIdOf(trigger.role), "Arn"] },
        DeadLetterConfig: { Arn: queueArn(logicalIdOf(trigger.deadLetterQueue)) },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        InputTransformer: {
          InputPathsMap: {
            "detail-TrainingJobName": "$.detail.TrainingJobName",
            "detail-InputDataConfig-0--DataSource-S3DataSource-S3Uri":
              "$.detail.InputDataConfig[0].DataSource.S3DataSource.S3Uri",
          },
          InputTemplate:
            '{"runName":<detail-TrainingJobName>,"analysisConfigUri":"s3://cfg/analysis_config.json","dataset":{"uri":<detail-InputDataConfig-0--DataSource-S3DataSource-S3Uri>}}',
        },
      },
    ]);
  });

  it("matches every completed training job without a prefix", () => {
    // Prepare
    const { template, trigger } = synth();

    // Act
    const rule = template.toJSON().Resources[logicalIdOf(trigger.rule)];

    // Assess
    expect(rule.Properties.EventPattern.detail).toEqual({ TrainingJobStatus: ["Completed"] });
  });

  it("gives EventBridge a role that may only start this pipeline, and lets only this rule dead-letter", () => {
    // Prepare
    const { template, trigger, stateMachineId } = synth("credit-");
    const dlq = logicalIdOf(trigger.deadLetterQueue);

    // Act
    const statements = attachedStatements(template, logicalIdOf(trigger.role));

    // Assess
    expect(statements).toEqual([
      { Effect: "Allow", Action: "states:StartExecution", Resource: { Ref: stateMachineId } },
    ]);
    const [queuePolicy] = Object.values(template.findResources("AWS::SQS::QueuePolicy"));
    expect(queuePolicy?.Properties.Queues).toEqual([{ Ref: dlq }]);
    expect(queuePolicy?.Properties.PolicyDocument.Statement[1]).toEqual({
      Sid: expect.any(String),
      Action: "sqs:SendMessage",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Condition: { ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": [logicalIdOf(trigger.rule), "Arn"] } } },
      Resource: queueArn(dlq),
    });
  });

  it("rejects a training-job name prefix SageMaker could never match", () => {
    // Prepare
    const f = fixture();

    // Act
    const create = () =>
      new ClarifyTrainingJobTrigger(f.stack, "TrainingJob", {
        stateMachine: f.stateMachine,
        trainingJobNamePrefix: "credit_model",
        runInput: events.RuleTargetInput.fromObject(RUN),
      });

    // Assess
    expect(create).toThrow(
      'trainingJobNamePrefix must start with a letter or digit and hold at most 63 letters, digits and hyphens (training job names match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$), got "credit_model"',
    );
  });
});

describe("ClarifyModelPackageTrigger", () => {
  const PACKAGE_RUN = {
    runName: "credit-package",
    analysisConfig: { label: "y", predictor: { instance_type: "ml.m5.xlarge", initial_instance_count: 1 } },
  };

  function synth(overrides: Partial<ClarifyModelPackageTriggerProps> = {}) {
    const f = fixture();
    const trigger = new ClarifyModelPackageTrigger(f.stack, "ModelPackage", {
      stateMachine: f.stateMachine,
      modelExecutionRole: f.jobRole,
      modelPackageGroupName: "credit-model",
      run: PACKAGE_RUN,
      updateApprovalStatus: true,
      ...overrides,
    });
    return { ...f, trigger, template: Template.fromStack(f.stack) };
  }

  it("starts the runner for completed pending packages of the group, with the package ARN and the run template", () => {
    // Prepare
    const { template, trigger } = synth();

    // Act
    const rule = template.toJSON().Resources[logicalIdOf(trigger.rule)];

    // Assess
    expect(rule.Properties.EventPattern).toEqual({
      source: ["aws.sagemaker"],
      "detail-type": ["SageMaker Model Package State Change"],
      detail: {
        ModelPackageGroupName: ["credit-model"],
        ModelApprovalStatus: ["PendingManualApproval"],
        ModelPackageStatus: ["Completed"],
      },
    });
    expect(rule.Properties.Targets[0]).toMatchObject({
      Arn: { Ref: logicalIdOf(trigger.runner) },
      RoleArn: { "Fn::GetAtt": [logicalIdOf(trigger.role), "Arn"] },
      DeadLetterConfig: { Arn: queueArn(logicalIdOf(trigger.deadLetterQueue)) },
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      InputTransformer: {
        InputPathsMap: { "detail-ModelPackageArn": "$.detail.ModelPackageArn" },
        InputTemplate: `{"modelPackageArn":<detail-ModelPackageArn>,"updateApprovalStatus":true,"run":${JSON.stringify(PACKAGE_RUN)}}`,
      },
    });
    expect(attachedStatements(template, logicalIdOf(trigger.role))).toEqual([
      { Effect: "Allow", Action: "states:StartExecution", Resource: { Ref: logicalIdOf(trigger.runner) } },
    ]);
  });

  it("defines the runner from its ASL file, traced and logging ALL, with the pipeline, role and prefix substituted", () => {
    // Prepare
    const { template, trigger, stateMachineId, jobRole } = synth();

    // Act
    const runner = template.toJSON().Resources[logicalIdOf(trigger.runner)];

    // Assess
    expect(runner.Properties).toMatchObject({
      StateMachineType: "STANDARD",
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: "ALL", IncludeExecutionData: true },
      DefinitionSubstitutions: {
        ModelNamePrefix: "clarify-tmp-",
        ModelExecutionRoleArn: { "Fn::GetAtt": [logicalIdOf(jobRole), "Arn"] },
        PipelineStateMachineArn: { Ref: stateMachineId },
      },
    });
  });

  it("substitutes every placeholder of the runner's definition file, and nothing else", () => {
    // Prepare
    const { template, trigger } = synth();
    const text = readFileSync(MODEL_PACKAGE_RUN_DEFINITION_PATH, "utf8");
    const placeholders = new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]));

    // Act
    const substitutions =
      template.toJSON().Resources[logicalIdOf(trigger.runner)].Properties.DefinitionSubstitutions;

    // Assess
    expect(new Set(Object.keys(substitutions))).toEqual(placeholders);
  });

  it("scopes the runner to its temporary models, the job role, the pipeline's executions and the group's packages", () => {
    // Prepare
    const { template, trigger, stateMachineId, jobRole } = synth();

    // Act
    const statements = attachedStatements(template, logicalIdOf(trigger.runner.role)).filter(
      (statement) => statement.Resource !== "*",
    );

    // Assess
    expect(statements).toEqual([
      {
        Effect: "Allow",
        Action: ["sagemaker:CreateModel", "sagemaker:DeleteModel"],
        Resource: regionalArn("sagemaker", "model/clarify-tmp-*"),
      },
      {
        Effect: "Allow",
        Action: "sagemaker:DescribeModelPackage",
        Resource: regionalArn("sagemaker", "model-package/credit-model/*"),
      },
      {
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: { "Fn::GetAtt": [logicalIdOf(jobRole), "Arn"] },
        Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
      },
      { Effect: "Allow", Action: "states:StartExecution", Resource: { Ref: stateMachineId } },
      {
        Effect: "Allow",
        Action: ["states:DescribeExecution", "states:StopExecution"],
        Resource: {
          "Fn::Join": [
            "",
            [
              "arn:",
              { Ref: "AWS::Partition" },
              ":states:",
              { Ref: "AWS::Region" },
              ":",
              { Ref: "AWS::AccountId" },
              ":execution:",
              { "Fn::Select": [6, { "Fn::Split": [":", { Ref: stateMachineId }] }] },
              ":*",
            ],
          ],
        },
      },
      {
        Effect: "Allow",
        Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        Resource: regionalArn("events", "rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"),
      },
      {
        Effect: "Allow",
        Action: "sagemaker:UpdateModelPackage",
        Resource: regionalArn("sagemaker", "model-package/credit-model/*"),
      },
    ]);
  });

  it("grants no UpdateModelPackage when the verdict does not set the approval status", () => {
    // Prepare
    const { template, trigger } = synth({ updateApprovalStatus: false });

    // Act
    const actions = attachedStatements(template, logicalIdOf(trigger.runner.role)).flatMap((s) => s.Action);

    // Assess
    expect(actions).not.toContain("sagemaker:UpdateModelPackage");
    expect(actions).toContain("sagemaker:CreateModel");
  });

  it.each([
    [
      "an analysis config by URI",
      { run: { runName: "x", analysisConfigUri: "s3://cfg/a.json" } },
      "run.analysisConfig must be an inline analysis config object (an analysisConfigUri cannot receive the temporary model), got undefined",
    ],
    [
      "no predictor",
      { run: { analysisConfig: { label: "y" } } },
      'run.analysisConfig.predictor must be an object with the shadow endpoint settings (e.g. {"instance_type": "ml.m5.xlarge", "initial_instance_count": 1}), got undefined',
    ],
    [
      "a predictor that names an endpoint",
      { run: { analysisConfig: { predictor: { endpoint_name: "prod" } } } },
      'run.analysisConfig.predictor.endpoint_name must be left out: the runner sets model_name to the temporary model, got "prod"',
    ],
    [
      "a fixed modelPackageArn",
      { run: { ...PACKAGE_RUN, modelPackageArn: "arn:aws:sagemaker:us-east-1:1:model-package/x/1" } },
      'run.modelPackageArn must be left out: the runner sets it to the package that triggered the run, got "arn:aws:sagemaker:us-east-1:1:model-package/x/1"',
    ],
    [
      "a long model-name prefix",
      { modelNamePrefix: "clarify-temporary-models-for-" },
      'modelNamePrefix must be 1 to 27 letters, digits and hyphens starting with a letter or digit (the model name adds a 36-character execution name within SageMaker\'s 63), got "clarify-temporary-models-for-"',
    ],
    [
      "a bad group name",
      { modelPackageGroupName: "credit_model" },
      'modelPackageGroupName must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$ (a SageMaker model package group name), got "credit_model"',
    ],
  ])("rejects %s at synth", (_case, overrides, message) => {
    // Prepare
    const f = fixture();

    // Act
    const create = () =>
      new ClarifyModelPackageTrigger(f.stack, "ModelPackage", {
        stateMachine: f.stateMachine,
        modelExecutionRole: f.jobRole,
        modelPackageGroupName: "credit-model",
        run: PACKAGE_RUN,
        ...(overrides as Partial<ClarifyModelPackageTriggerProps>),
      });

    // Assess
    expect(create).toThrow(message);
  });
});

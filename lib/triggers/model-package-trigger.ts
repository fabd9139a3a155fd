import { fileURLToPath } from "node:url";
import { RemovalPolicy, Token } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { isRecord } from "../../contracts/is-record.ts";
import { acknowledgeStateMachineWildcards } from "../private/acknowledge-wildcards.ts";
import { STATE_MACHINE_STAR_JUSTIFICATION } from "../private/policy-statements.ts";
import { SAGEMAKER_NAME, SAGEMAKER_NAME_PREFIX } from "../private/validate-props.ts";
import { deliveryProblems, resolveDelivery, type StartDeliveryProps } from "./delivery.ts";
import { modelPackageRunStatements } from "./trigger-policies.ts";

/** The runner's definition; resolved from this module, not the cwd. */
export const MODEL_PACKAGE_RUN_DEFINITION_PATH = fileURLToPath(
  new URL("../../statemachine/model-package-run.asl.json", import.meta.url),
);

/**
 * Longest model-name prefix: the model is `<prefix><execution name>`, at most 63 characters,
 * and EventBridge starts executions without a name, so Step Functions names them with a
 * 36-character UUID.
 */
export const MAX_MODEL_NAME_PREFIX_LENGTH = 27;
const APPROVAL_STATUSES = ["PendingManualApproval", "Approved", "Rejected"] as const;

/** Properties of {@link ClarifyModelPackageTrigger}. */
export interface ClarifyModelPackageTriggerProps extends StartDeliveryProps {
  /** The pipeline's state machine (`ClarifyPipeline.stateMachine`). */
  readonly stateMachine: sfn.IStateMachine;

  /** Model package group whose new packages are analysed. */
  readonly modelPackageGroupName: string;

  /**
   * The run.json of every analysis, in its run form with an inline `analysisConfig` whose
   * `predictor` holds the shadow endpoint settings (`instance_type`, `initial_instance_count`,
   * ...) but no `model_name` or `endpoint_name`: the runner sets `predictor.model_name` to the
   * temporary model, and `modelPackageArn` to the package.
   */
  readonly run: Readonly<Record<string, unknown>>;

  /**
   * Role the temporary model is created with (CreateModel's ExecutionRoleArn). It must trust
   * `sagemaker.amazonaws.com` and may need to pull the package's image and read its model data.
   */
  readonly modelExecutionRole: iam.IRole;

  /**
   * Packages reaching this approval status start an analysis.
   *
   * @default "PendingManualApproval"
   */
  readonly modelApprovalStatus?: (typeof APPROVAL_STATUSES)[number];

  /**
   * Whether the verdict sets the package's approval status: `Approved` when every gate passed,
   * `Rejected` when a gate failed (the verdict in ApprovalDescription). Other failures leave the
   * package as it was.
   *
   * @default false
   */
  readonly updateApprovalStatus?: boolean;

  /**
   * Prefix of the temporary models' names; the runner may create and delete only these.
   * Letters, digits and hyphens, at most 27 characters.
   *
   * @default "clarify-tmp-"
   */
  readonly modelNamePrefix?: string;

  /**
   * Retention of the runner's execution log group.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the log group when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Analyses every new model package of a group: an EventBridge rule on
 * `SageMaker Model Package State Change` starts a small runner state machine
 * (`statemachine/model-package-run.asl.json`) that creates a temporary SageMaker model from the
 * package, runs the pipeline with it as the predictor (`startExecution.sync:2`), deletes the
 * model whatever happened and, if asked, approves or rejects the package from the verdict.
 *
 * SageMaker may send more than one event per state change. The pipeline execution is named
 * after the package version (`<group>-v<version>`), so a duplicate event's runner fails with
 * ExecutionAlreadyExists (deleting its own temporary model) instead of analysing and approving
 * the version twice; to analyse a version again, start the pipeline directly.
 */
export class ClarifyModelPackageTrigger extends Construct {
  public readonly rule: events.Rule;
  /** The runner state machine. */
  public readonly runner: sfn.StateMachine;
  /** Role EventBridge assumes: StartExecution on the runner only. */
  public readonly role: iam.Role;
  /** Where start attempts that failed for good go. */
  public readonly deadLetterQueue: sqs.IQueue;
  public readonly runnerLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ClarifyModelPackageTriggerProps) {
    super(scope, id);
    const modelNamePrefix = props.modelNamePrefix ?? "clarify-tmp-";
    const approvalStatus = props.modelApprovalStatus ?? "PendingManualApproval";
    const updateApprovalStatus = props.updateApprovalStatus ?? false;
    const problems = [
      ...deliveryProblems(props),
      ...modelPackageTriggerProblems({
        modelPackageGroupName: props.modelPackageGroupName,
        modelNamePrefix,
        modelApprovalStatus: approvalStatus,
        run: props.run,
      }),
    ];
    if (problems.length > 0) throw new Error(problems.join("\n"));

    const delivery = resolveDelivery(this, props);
    this.deadLetterQueue = delivery.deadLetterQueue;

    this.runnerLogGroup = new logs.LogGroup(this, "RunnerLogs", {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.runner = new sfn.StateMachine(this, "Runner", {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(MODEL_PACKAGE_RUN_DEFINITION_PATH),
      definitionSubstitutions: {
        ModelNamePrefix: modelNamePrefix,
        ModelExecutionRoleArn: props.modelExecutionRole.roleArn,
        PipelineStateMachineArn: props.stateMachine.stateMachineArn,
      },
      logs: { destination: this.runnerLogGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    for (const statement of modelPackageRunStatements(this, {
      pipeline: props.stateMachine,
      modelExecutionRoleArn: props.modelExecutionRole.roleArn,
      modelNamePrefix,
      modelPackageGroupName: props.modelPackageGroupName,
      updateApprovalStatus,
    })) {
      this.runner.addToRolePolicy(statement);
    }
    this.acknowledgeRunnerWildcards(modelNamePrefix);

    this.role = new iam.Role(this, "EventsRole", {
      description: "Starts the Clarify model-package runner for new model packages",
      assumedBy: new iam.ServicePrincipal("events.amazonaws.com"),
    });
    this.rule = new events.Rule(this, "Rule", {
      description: `Runs a Clarify bias analysis for new packages of model package group ${props.modelPackageGroupName}`,
      eventPattern: {
        source: ["aws.sagemaker"],
        detailType: ["SageMaker Model Package State Change"],
        detail: {
          ModelPackageGroupName: [props.modelPackageGroupName],
          ModelApprovalStatus: [approvalStatus],
          // A package is announced while it is being created and once it is complete: run once.
          ModelPackageStatus: ["Completed"],
        },
      },
    });
    this.rule.addTarget(
      new targets.SfnStateMachine(this.runner, {
        input: events.RuleTargetInput.fromObject({
          modelPackageArn: events.EventField.fromPath("$.detail.ModelPackageArn"),
          updateApprovalStatus,
          run: props.run,
        }),
        role: this.role,
        deadLetterQueue: delivery.deadLetterQueue,
        retryAttempts: delivery.retryAttempts,
        maxEventAge: delivery.maxEventAge,
      }),
    );
  }

  private acknowledgeRunnerWildcards(modelNamePrefix: string): void {
    acknowledgeStateMachineWildcards(this.runner, [
      {
        resource: new RegExp(`:model\\/${modelNamePrefix}\\*$`),
        reason: `Temporary models are named per runner execution; only the "${modelNamePrefix}" prefix is fixed, and it scopes CreateModel and DeleteModel.`,
      },
      {
        resource: /:model-package\/[^/]+\/\*$/,
        reason:
          "Package versions are numbered by the model registry as they are registered; the package group is the fixed part.",
      },
      {
        resource: /:execution:.+:\*$/,
        reason:
          "The pipeline's executions are named per run; the scope is the executions of the pipeline state machine only (startExecution.sync:2 describes and stops them).",
      },
      STATE_MACHINE_STAR_JUSTIFICATION,
    ]);
  }
}

/** The props checked at synth, defaults applied. */
export interface ModelPackageTriggerSettings {
  readonly modelPackageGroupName: string;
  readonly modelNamePrefix: string;
  readonly modelApprovalStatus: string;
  readonly run: Readonly<Record<string, unknown>>;
}

/** Every problem with the settings, naming the prop, the value and the rule. */
export function modelPackageTriggerProblems(settings: ModelPackageTriggerSettings): string[] {
  const problems: string[] = [];
  const group = settings.modelPackageGroupName;
  if (!Token.isUnresolved(group) && !SAGEMAKER_NAME.test(group)) {
    problems.push(
      `modelPackageGroupName must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$ (a SageMaker model package group name), got "${group}"`,
    );
  }
  const prefix = settings.modelNamePrefix;
  if (!SAGEMAKER_NAME_PREFIX.test(prefix) || prefix.length > MAX_MODEL_NAME_PREFIX_LENGTH) {
    problems.push(
      `modelNamePrefix must be 1 to ${MAX_MODEL_NAME_PREFIX_LENGTH} letters, digits and hyphens starting with a letter or digit (the model name adds a 36-character execution name within SageMaker's 63), got "${prefix}"`,
    );
  }
  if (!(APPROVAL_STATUSES as readonly string[]).includes(settings.modelApprovalStatus)) {
    problems.push(
      `modelApprovalStatus must be one of ${APPROVAL_STATUSES.join(", ")}, got "${settings.modelApprovalStatus}"`,
    );
  }
  problems.push(...runTemplateProblems(settings.run));
  return problems;
}

/** The run template must leave the runner a predictor to fill in. */
function runTemplateProblems(run: unknown): string[] {
  if (!isRecord(run)) return [`run must be a run.json object, got ${JSON.stringify(run)}`];
  if ("processingJobRequest" in run) {
    return [
      "run must use the run.json form with an inline analysisConfig, not processingJobRequest (the runner sets analysisConfig.predictor.model_name)",
    ];
  }
  const problems: string[] = [];
  if ("modelPackageArn" in run) {
    problems.push(
      `run.modelPackageArn must be left out: the runner sets it to the package that triggered the run, got ${JSON.stringify(run.modelPackageArn)}`,
    );
  }
  const config = run.analysisConfig;
  if (!isRecord(config)) {
    problems.push(
      `run.analysisConfig must be an inline analysis config object (an analysisConfigUri cannot receive the temporary model), got ${JSON.stringify(config)}`,
    );
    return problems;
  }
  const predictor = config.predictor;
  if (!isRecord(predictor)) {
    problems.push(
      `run.analysisConfig.predictor must be an object with the shadow endpoint settings (e.g. {"instance_type": "ml.m5.xlarge", "initial_instance_count": 1}), got ${JSON.stringify(predictor)}`,
    );
    return problems;
  }
  for (const key of ["model_name", "endpoint_name"]) {
    if (key in predictor) {
      problems.push(
        `run.analysisConfig.predictor.${key} must be left out: the runner sets model_name to the temporary model, got ${JSON.stringify(predictor[key])}`,
      );
    }
  }
  return problems;
}

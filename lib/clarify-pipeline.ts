import { fileURLToPath } from "node:url";
import { Duration, FeatureFlags, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as events_targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { DEFAULT_EVENT_BUS, EVENT_BUS_ENV } from "../lambdas/shared/run-events.ts";
import {
  DEFAULT_COLLECT_RESULTS_MEMORY_MIB,
  type EngineKind,
  SETTINGS_DEFAULTS,
  SETTINGS_ENV,
} from "../lambdas/shared/settings.ts";
import { ClarifyEngine } from "./clarify-engine.ts";

export { type BoundClarifyEngine, ClarifyEngine } from "./clarify-engine.ts";

import { runEventStatements } from "./monitoring/run-event-statements.ts";
import {
  acknowledgeStateMachineWildcards,
  acknowledgeWildcardResources,
  type WildcardJustification,
} from "./private/acknowledge-wildcards.ts";
import {
  type ClarifyJobScope,
  clarifyJobStatements,
  collectResultsStatements,
  functionLoggingStatements,
  JOB_ROLE_STAR_JUSTIFICATION,
  type S3Scope,
  STATE_MACHINE_STAR_JUSTIFICATION,
  stageInputsStatements,
  stateMachineStatements,
  validateConfigStatements,
  wildcardJustifications,
} from "./private/policy-statements.ts";
import { settingsProblems } from "./private/validate-props.ts";

/** The one state machine definition, shared with the local runtime; resolved from this module, not the cwd. */
export const DEFINITION_PATH = fileURLToPath(
  new URL("../statemachine/clarify-pipeline.asl.json", import.meta.url),
);
const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));
const LAMBDAS_DIR = fileURLToPath(new URL("../lambdas/", import.meta.url));

/** Feature flag under which S3 server access log delivery is granted by bucket policy, not ACL. */
const S3_LOGS_USE_BUCKET_POLICY = "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy";

/** Properties of a {@link ClarifyPipeline}. */
export interface ClarifyPipelineProps {
  /**
   * Bucket that holds the run folders (`<outputPrefix><runId>/`): staged inputs, the job's
   * results and `summary.json`.
   *
   * @default - a bucket is created: SSE-S3 encrypted, TLS only, public access blocked,
   * versioned, with server access logs in a second bucket.
   */
  readonly artifactsBucket?: s3.IBucket;

  /**
   * Buckets a run may read its analysis config and dataset from. Runs naming any other
   * bucket are rejected by validate-config, and no role may read it anyway.
   *
   * @default - no input bucket: inputs must already be in the artifacts bucket's output prefix.
   */
  readonly allowedInputBuckets?: ReadonlyArray<s3.IBucket | string>;

  /**
   * Key prefix of the run folders in the artifacts bucket; empty, or segments ending with `/`.
   *
   * @default "clarify-runs/"
   */
  readonly outputPrefix?: string;

  /**
   * Role the Clarify processing job runs as. A role given here is passed to SageMaker as is:
   * it must trust `sagemaker.amazonaws.com` and already grant what the job needs.
   *
   * @default - a least-privilege role is created (S3 on the allowed buckets and output prefix,
   * processing-job logs, the shadow endpoint, ECR pull of the Clarify image).
   */
  readonly jobRole?: iam.IRole;

  /**
   * Clarify container image used when a run gives none.
   *
   * @default - the prebuilt `sagemaker-clarify-processing` image of the deployment region.
   */
  readonly clarifyImageUri?: string;

  /**
   * What the processing jobs run: `ClarifyEngine.clarify()` (the SageMaker Clarify image),
   * `ClarifyEngine.builtin()` (the project's engine image, built from container/ and pushed by
   * `cdk deploy`, which then needs Docker), or `ClarifyEngine.fromImageUri(uri)` (that image,
   * already in ECR). The job role may pull the chosen image only; validate-config applies the
   * chosen engine's rules.
   *
   * @default ClarifyEngine.clarify(clarifyImageUri)
   */
  readonly engine?: ClarifyEngine;

  /**
   * Existing SageMaker endpoints an analysis config may name as `predictor.endpoint_name`;
   * the created job role may describe and invoke these.
   *
   * @default - none: only `model_name` predictors (served by Clarify's shadow endpoint).
   */
  readonly invocableEndpointNames?: readonly string[];

  /**
   * Instance type of a job when the run gives none. Clarify uses no GPU: GPU types are rejected.
   *
   * @default "ml.c5.xlarge"
   */
  readonly defaultInstanceType?: string;

  /**
   * Instance count of a job when the run gives none (more than 1 means distributed processing).
   *
   * @default 1
   */
  readonly defaultInstanceCount?: number;

  /**
   * ML storage volume of a job when the run gives none.
   *
   * @default 30
   */
  readonly defaultVolumeSizeInGB?: number;

  /**
   * `MaxRuntimeInSeconds` of a job when the run gives none; at most 7 days.
   *
   * @default Duration.hours(1)
   */
  readonly defaultMaxRuntime?: Duration;

  /**
   * Added to a job's maximum runtime to time out the RunClarifyJob state: covers instance
   * provisioning and result upload. From 1 minute to 1 day.
   *
   * @default Duration.hours(1)
   */
  readonly timeoutMargin?: Duration;

  /**
   * Every processing job name starts with this; the state machine's SageMaker permissions
   * are scoped to it. Letters, digits and hyphens, at most 32 characters.
   *
   * @default "clarify-"
   */
  readonly jobNamePrefix?: string;

  /**
   * Memory of the CollectResults function, in MiB (Lambda gives CPU in proportion). It merges a
   * job of several builtin-engine instances one tables object (a dataset file's counts) at a
   * time: each object may take up to 1/120 of it (about 8.5 MB at the default), and the merge's
   * time, about 10 ms per object on a core, shrinks with more memory. From 512 to 10240.
   *
   * @default 1024
   */
  readonly collectResultsMemorySize?: number;

  /**
   * Retention of the state machine's and the functions' log groups.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the created bucket and log groups when they leave the stack. A created
   * bucket is only deleted by CloudFormation when it is empty.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Name of the state machine.
   *
   * @default - a name generated by CloudFormation
   */
  readonly stateMachineName?: string;

  /**
   * Event bus the run outcome events (`Clarify Run Succeeded`, `Clarify Run Failed`,
   * `Clarify Bias Gate Failed`, source `clarify-pipeline`) are sent to.
   *
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;
}

/** One Lambda step of the workflow. */
interface StepFunctionSpec {
  readonly id: string;
  readonly folder: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly statements: iam.PolicyStatement[];
  /** Whether the step reads the allowed input buckets (and so needs their KMS keys). */
  readonly readsInputBuckets: boolean;
}

/**
 * Runs SageMaker Clarify bias analyses as a Step Functions workflow: validate the run,
 * snapshot its inputs, run the Clarify processing job, gate on its metrics. The definition
 * is the same file the local runtime executes.
 */
export class ClarifyPipeline extends Construct {
  /** The workflow; start an execution with a run.json as input. */
  public readonly stateMachine: sfn.StateMachine;
  /** Where run folders are written. */
  public readonly artifactsBucket: s3.IBucket;
  /** Role the Clarify processing jobs run as. */
  public readonly jobRole: iam.IRole;
  /** Image used when a run gives none (the Clarify image, or the builtin engine's). */
  public readonly clarifyImageUri: string;
  /** The engine the jobs run. */
  public readonly engine: EngineKind;
  /** The validate-config, stage-inputs and collect-results functions. */
  public readonly validateConfigFunction: nodejs.NodejsFunction;
  public readonly stageInputsFunction: nodejs.NodejsFunction;
  public readonly collectResultsFunction: nodejs.NodejsFunction;
  /** Log group of the state machine's execution history. */
  public readonly stateMachineLogGroup: logs.LogGroup;
  /** Where the run outcome events go. */
  public readonly eventBus: events.IEventBus;
  /** Records aborted and timed-out executions, which no Catch of the definition sees end. */
  public readonly stoppedExecutionsRule: events.Rule;

  constructor(scope: Construct, id: string, props: ClarifyPipelineProps = {}) {
    super(scope, id);

    const outputPrefix = props.outputPrefix ?? "clarify-runs/";
    const jobNamePrefix = props.jobNamePrefix ?? SETTINGS_DEFAULTS.jobNamePrefix;
    const defaultInstanceType = props.defaultInstanceType ?? SETTINGS_DEFAULTS.defaultInstanceType;
    const defaultInstanceCount = props.defaultInstanceCount ?? SETTINGS_DEFAULTS.defaultInstanceCount;
    const defaultVolumeSizeInGB = props.defaultVolumeSizeInGB ?? SETTINGS_DEFAULTS.defaultVolumeSizeInGB;
    const defaultMaxRuntime =
      props.defaultMaxRuntime ?? Duration.seconds(SETTINGS_DEFAULTS.defaultMaxRuntimeInSeconds);
    const timeoutMargin = props.timeoutMargin ?? Duration.seconds(SETTINGS_DEFAULTS.timeoutMarginSeconds);
    const collectResultsMemorySize = props.collectResultsMemorySize ?? DEFAULT_COLLECT_RESULTS_MEMORY_MIB;
    const inputBuckets = (props.allowedInputBuckets ?? []).map((bucket, index) =>
      typeof bucket === "string"
        ? s3.Bucket.fromBucketName(this, `AllowedInputBucket${index}`, bucket)
        : bucket,
    );

    // Fail at synth, before any bundling, with every problem at once.
    const problems = settingsProblems({
      outputPrefix,
      allowedInputBucketNames: (props.allowedInputBuckets ?? []).filter(
        (bucket) => typeof bucket === "string",
      ),
      defaultInstanceType,
      defaultInstanceCount,
      defaultVolumeSizeInGB,
      defaultMaxRuntime,
      timeoutMargin,
      jobNamePrefix,
      collectResultsMemorySize,
    });
    if (props.engine && props.clarifyImageUri) {
      problems.push(
        "clarifyImageUri and engine are both set: give the image with ClarifyEngine.clarify(imageUri)",
      );
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    this.artifactsBucket = props.artifactsBucket ?? this.createArtifactsBucket(removalPolicy);
    const justifications = wildcardJustifications(outputPrefix);
    const s3Scope: S3Scope = {
      inputBucketArns: inputBuckets.map((bucket) => bucket.bucketArn),
      outputBucketArn: this.artifactsBucket.bucketArn,
      outputPrefix,
    };

    const image = (props.engine ?? ClarifyEngine.clarify(props.clarifyImageUri)).bind(this);
    this.clarifyImageUri = image.imageUri;
    this.engine = image.kind;

    this.jobRole =
      props.jobRole ??
      this.createJobRole(
        inputBuckets,
        {
          s3: s3Scope,
          jobNamePrefix,
          invocableEndpointNames: props.invocableEndpointNames ?? [],
          imageRepositoryArn: image.repositoryArn,
        },
        justifications,
      );

    const environment: Record<string, string> = {
      // AWS_REGION (SETTINGS_ENV.region) is reserved: Lambda sets it.
      [SETTINGS_ENV.defaultOutputUri]: `s3://${this.artifactsBucket.bucketName}/${outputPrefix}`,
      [SETTINGS_ENV.allowedBuckets]: [this.artifactsBucket, ...inputBuckets]
        .map((b) => b.bucketName)
        .join(","),
      [SETTINGS_ENV.defaultRoleArn]: this.jobRole.roleArn,
      [SETTINGS_ENV.clarifyImageUri]: this.clarifyImageUri,
      [SETTINGS_ENV.defaultInstanceType]: defaultInstanceType,
      [SETTINGS_ENV.defaultInstanceCount]: String(defaultInstanceCount),
      [SETTINGS_ENV.defaultVolumeSizeInGB]: String(defaultVolumeSizeInGB),
      [SETTINGS_ENV.defaultMaxRuntimeInSeconds]: String(defaultMaxRuntime.toSeconds()),
      [SETTINGS_ENV.timeoutMarginSeconds]: String(timeoutMargin.toSeconds()),
      [SETTINGS_ENV.jobNamePrefix]: jobNamePrefix,
      // The created role has no VPC or KMS permissions: validate-config refuses runs that need them.
      ...(props.jobRole ? {} : { [SETTINGS_ENV.defaultRoleIsBasic]: "true" }),
      [SETTINGS_ENV.engine]: image.kind,
      NODE_OPTIONS: "--enable-source-maps",
    };

    const stepFunction = (spec: StepFunctionSpec): nodejs.NodejsFunction =>
      this.createStepFunction(spec, environment, inputBuckets, justifications, logRetention, removalPolicy);
    // Function timeouts stay below the state timeouts in the definition, so a slow function
    // reports its own timeout rather than the state's.
    this.validateConfigFunction = stepFunction({
      id: "ValidateConfig",
      folder: "validate-config",
      description: "Validates a Clarify run input against the Clarify job rules",
      timeout: Duration.seconds(100),
      memorySize: 512,
      statements: validateConfigStatements(s3Scope),
      readsInputBuckets: true,
    });
    this.stageInputsFunction = stepFunction({
      id: "StageInputs",
      folder: "stage-inputs",
      description: "Snapshots a Clarify run's inputs into its run folder and renders the job request",
      timeout: Duration.minutes(15),
      memorySize: 1024,
      statements: stageInputsStatements(s3Scope),
      readsInputBuckets: true,
    });
    this.eventBus =
      props.eventBus ?? events.EventBus.fromEventBusName(this, "RunEventBus", DEFAULT_EVENT_BUS);
    this.collectResultsFunction = stepFunction({
      id: "CollectResults",
      folder: "collect-results",
      description: "Evaluates a Clarify run's bias gates, or records its failure, in summary.json",
      // RecordFailure allows 120 s; stay under it.
      timeout: Duration.seconds(100),
      memorySize: collectResultsMemorySize,
      statements: [
        ...collectResultsStatements(this, s3Scope, jobNamePrefix),
        ...runEventStatements(this.eventBus.eventBusArn),
      ],
      // A drift gate's baseline analysis.json may sit in an allowed input bucket.
      readsInputBuckets: true,
    });
    this.collectResultsFunction.addEnvironment(EVENT_BUS_ENV, this.eventBus.eventBusName);

    this.stateMachineLogGroup = new logs.LogGroup(this, "StateMachineLogs", {
      retention: logRetention,
      removalPolicy,
    });
    this.stateMachine = new sfn.StateMachine(this, "StateMachine", {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(DEFINITION_PATH),
      definitionSubstitutions: {
        ValidateConfigFunctionArn: this.validateConfigFunction.functionArn,
        StageInputsFunctionArn: this.stageInputsFunction.functionArn,
        CollectResultsFunctionArn: this.collectResultsFunction.functionArn,
      },
      // Every state transition is logged, but never its input or output: validation problems quote
      // the dataset's header and first records, and a failure's cause may too. summary.json in the
      // run folder (readable only by whom the bucket allows) keeps the details.
      logs: { destination: this.stateMachineLogGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    for (const statement of stateMachineStatements(this, {
      functionArns: [this.validateConfigFunction, this.stageInputsFunction, this.collectResultsFunction].map(
        (fn) => fn.functionArn,
      ),
      jobRoleArn: this.jobRole.roleArn,
      jobNamePrefix,
    })) {
      this.stateMachine.addToRolePolicy(statement);
    }
    this.stoppedExecutionsRule = this.recordStoppedExecutions();
    acknowledgeStateMachineWildcards(this.stateMachine, [
      ...justifications,
      STATE_MACHINE_STAR_JUSTIFICATION,
    ]);
  }

  /**
   * Step Functions sends `Step Functions Execution Status Change` to the default bus; ABORTED
   * and TIMED_OUT of this state machine go to collect-results' `recordAbort` mode, which writes
   * summary.json and the run event as a local abort does. The function already holds every
   * permission it needs (writes below the output prefix, DescribeProcessingJob, PutEvents); the
   * target only adds an invoke permission for this rule.
   */
  private recordStoppedExecutions(): events.Rule {
    return new events.Rule(this, "StoppedExecutions", {
      description: "Records aborted and timed-out executions of the Clarify pipeline in their run folder",
      eventPattern: {
        source: ["aws.states"],
        detailType: ["Step Functions Execution Status Change"],
        detail: { status: ["ABORTED", "TIMED_OUT"], stateMachineArn: [this.stateMachine.stateMachineArn] },
      },
      targets: [
        new events_targets.LambdaFunction(this.collectResultsFunction, {
          event: events.RuleTargetInput.fromObject({
            mode: "recordAbort",
            detail: events.EventField.fromPath("$.detail"),
          }),
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
  }

  private createArtifactsBucket(removalPolicy: RemovalPolicy): s3.Bucket {
    const secureDefaults = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy,
    } as const;
    const accessLogs = new s3.Bucket(this, "AccessLogsBucket", {
      ...secureDefaults,
      // Server access log delivery only supports SSE-S3 on the target bucket.
      encryption: s3.BucketEncryption.S3_MANAGED,
      // With the bucket-policy flag, log delivery is granted by policy and ACLs can stay disabled;
      // without it CDK grants delivery through the LogDeliveryWrite ACL, which needs ACLs enabled.
      objectOwnership: FeatureFlags.of(this).isEnabled(S3_LOGS_USE_BUCKET_POLICY)
        ? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED
        : s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    });
    Validations.of(accessLogs).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "This bucket is the server access log target of the artifacts bucket; logging it would log its own log deliveries.",
    });
    return new s3.Bucket(this, "ArtifactsBucket", {
      ...secureDefaults,
      encryption: s3.BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "artifacts/",
      // CollectResults writes a large out.csv as a multipart upload, which it aborts when it
      // fails; a function that dies mid-upload cannot, and S3 would keep (and bill) its parts.
      lifecycleRules: [
        { id: "AbortIncompleteMultipartUploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
  }

  private createJobRole(
    inputBuckets: readonly s3.IBucket[],
    scope: ClarifyJobScope,
    justifications: readonly WildcardJustification[],
  ): iam.Role {
    const document = new iam.PolicyDocument({ statements: clarifyJobStatements(this, scope) });
    const role = new iam.Role(this, "ClarifyJobRole", {
      assumedBy: new iam.ServicePrincipal("sagemaker.amazonaws.com"),
      description: "Runs the SageMaker Clarify processing jobs of the Clarify pipeline",
      inlinePolicies: { ClarifyJob: document },
    });
    this.grantBucketKeys(role, inputBuckets);
    acknowledgeWildcardResources(role, [document], [...justifications, JOB_ROLE_STAR_JUSTIFICATION]);
    return role;
  }

  private createStepFunction(
    spec: StepFunctionSpec,
    environment: Record<string, string>,
    inputBuckets: readonly s3.IBucket[],
    justifications: readonly WildcardJustification[],
    logRetention: logs.RetentionDays,
    removalPolicy: RemovalPolicy,
  ): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${spec.id}Logs`, { retention: logRetention, removalPolicy });
    // An own role instead of the default one: the default attaches the AWSLambdaBasicExecutionRole
    // managed policy, which may write to any log group.
    const document = new iam.PolicyDocument({
      statements: [...functionLoggingStatements(logGroup.logGroupArn), ...spec.statements],
    });
    const role = new iam.Role(this, `${spec.id}Role`, {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Runs the ${spec.folder} step of the Clarify pipeline`,
      inlinePolicies: { Step: document },
    });
    this.grantBucketKeys(role, spec.readsInputBuckets ? inputBuckets : []);
    acknowledgeWildcardResources(role, [document], justifications);
    return new nodejs.NodejsFunction(this, spec.id, {
      entry: `${LAMBDAS_DIR}${spec.folder}/index.ts`,
      handler: "handler",
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      description: spec.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: spec.timeout,
      memorySize: spec.memorySize,
      role,
      logGroup,
      environment,
      bundling: {
        // esbuild is a devDependency: bundle locally, never in Docker.
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: "node24",
        format: nodejs.OutputFormat.ESM,
        mainFields: ["module", "main"],
        // Some bundled CommonJS dependencies still call require(); ESM has none without this.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });
  }

  /** Buckets encrypted with a customer managed key also need the key; SSE-S3 buckets need nothing. */
  private grantBucketKeys(role: iam.IRole, inputBuckets: readonly s3.IBucket[]): void {
    for (const bucket of inputBuckets) bucket.encryptionKey?.grantDecrypt(role);
    this.artifactsBucket.encryptionKey?.grantEncryptDecrypt(role);
  }
}

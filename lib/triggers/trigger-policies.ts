/**
 * The IAM statements of the triggers, in one place (as lib/private/policy-statements.ts does
 * for the pipeline), so what each trigger may do is read and tested here.
 */
import { ArnFormat, Stack, Token } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import {
  passRoleToSageMakerStatement,
  sagemakerArn,
  syncEventsRuleStatement,
} from "../private/policy-statements.ts";

/** The rule Step Functions manages for `startExecution.sync` to learn when a nested execution ends. */
export const NESTED_EXECUTION_EVENTS_RULE = "StepFunctionsGetEventsForStepFunctionsExecutionRule";

/** Start executions of the pipeline, nothing else. */
export function startExecutionStatement(stateMachine: sfn.IStateMachine): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ["states:StartExecution"],
    resources: [stateMachine.stateMachineArn],
  });
}

/** What the model-package runner acts on. */
export interface ModelPackageRunScope {
  readonly pipeline: sfn.IStateMachine;
  /** Role handed to SageMaker as the temporary model's execution role. */
  readonly modelExecutionRoleArn: string;
  readonly modelNamePrefix: string;
  readonly modelPackageGroupName: string;
  /** Whether the runner sets the package's approval status. */
  readonly updateApprovalStatus: boolean;
}

/**
 * `arn:...:model-package/<group>/*`: the versions of one package group. SageMaker writes the
 * group name in lower case in package ARNs (IAM compares ARNs case-sensitively).
 */
export function modelPackageArnPattern(scope: Construct, groupName: string): string {
  const inArn = Token.isUnresolved(groupName) ? groupName : groupName.toLowerCase();
  return sagemakerArn(scope, "model-package", `${inArn}/*`);
}

/**
 * The runner: create and delete its temporary models (name prefix only), pass the model's role
 * to SageMaker only, run the pipeline with `.sync:2`, and (optionally) approve or reject the
 * packages of its group.
 */
export function modelPackageRunStatements(
  scope: Construct,
  target: ModelPackageRunScope,
): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const pipelineArn = target.pipeline.stateMachineArn;
  const pipelineName = stack.splitArn(pipelineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName;
  const packages = modelPackageArnPattern(scope, target.modelPackageGroupName);
  const statements = [
    new iam.PolicyStatement({
      // Temporary models are named per execution; only their prefix is fixed.
      actions: ["sagemaker:CreateModel", "sagemaker:DeleteModel"],
      resources: [sagemakerArn(scope, "model", `${target.modelNamePrefix}*`)],
    }),
    new iam.PolicyStatement({
      // CreateModel reads the package it deploys: packages of the one group, versioned by number.
      actions: ["sagemaker:DescribeModelPackage"],
      resources: [packages],
    }),
    passRoleToSageMakerStatement(target.modelExecutionRoleArn),
    startExecutionStatement(target.pipeline),
    new iam.PolicyStatement({
      // Executions are named per run; they are scoped to the pipeline's own executions.
      actions: ["states:DescribeExecution", "states:StopExecution"],
      resources: [
        stack.formatArn({
          service: "states",
          resource: "execution",
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          resourceName: `${pipelineName}:*`,
        }),
      ],
    }),
    syncEventsRuleStatement(scope, NESTED_EXECUTION_EVENTS_RULE),
  ];
  if (target.updateApprovalStatus) {
    statements.push(
      new iam.PolicyStatement({
        // Package versions are created by the registry; the group name is the fixed part.
        actions: ["sagemaker:UpdateModelPackage"],
        resources: [packages],
      }),
    );
  }
  return statements;
}

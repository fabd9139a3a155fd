/**
 * Step Functions ARNs as the CLI takes them. They are checked before any request so that
 * a typo gets a message naming the argument, and their region picks the client's region:
 * a state machine or an execution can only be reached through the region it lives in.
 */
import { CliError } from "../cli-error.ts";

export interface StepFunctionsArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** State machine name (both kinds of ARN hold it). */
  readonly stateMachineName: string;
  /** Execution name, for an execution ARN. */
  readonly executionName?: string;
}

const STATE_MACHINE_ARN =
  /^arn:(aws[a-z-]*):states:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):stateMachine:([^:\s]+)(?::[^:\s]+)?$/;
const EXECUTION_ARN =
  /^arn:(aws[a-z-]*):states:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):execution:([^:\s]+):([^:\s]+)$/;

/** `arn:aws:states:<region>:<account>:stateMachine:<name>[:<version or alias>]`. */
export function parseStateMachineArn(value: string, option = "--state-machine"): StepFunctionsArn {
  const match = STATE_MACHINE_ARN.exec(value);
  if (!match) {
    throw new CliError(
      `${option} ${value} is not a state machine ARN; it must look like arn:aws:states:<region>:<account>:stateMachine:<name> (the ClarifyPipelineStack output StateMachineArn)`,
    );
  }
  const [, partition = "", region = "", account = "", stateMachineName = ""] = match;
  return { partition, region, account, stateMachineName };
}

/** `arn:aws:states:<region>:<account>:execution:<state machine>:<name>`. */
export function parseExecutionArn(value: string, argument = "EXECUTION_ARN"): StepFunctionsArn {
  const match = EXECUTION_ARN.exec(value);
  if (!match) {
    throw new CliError(
      `${argument} ${value} is not an execution ARN; it must look like arn:aws:states:<region>:<account>:execution:<state machine>:<name> (start prints it)`,
    );
  }
  const [, partition = "", region = "", account = "", stateMachineName = "", executionName = ""] = match;
  return { partition, region, account, stateMachineName, executionName };
}

/** `--region` when given, which must then agree with the ARN; otherwise the ARN's region. */
export function regionFor(arn: StepFunctionsArn, regionOption: string | undefined): string {
  if (regionOption !== undefined && regionOption !== arn.region) {
    throw new CliError(
      `--region ${regionOption} does not match the ARN's region ${arn.region}; Step Functions resources are reached through their own region (leave --region out to use the ARN's)`,
    );
  }
  return arn.region;
}

/**
 * AWS errors as one line a CLI user can act on. The SDK's own messages are terse
 * ("Execution Does Not Exist: '...'") or long (the credential chain); these say what
 * was asked, what went wrong and what to do.
 */
import { CliError } from "../cli-error.ts";

/** What the failing request was about, to name it in the message. */
export interface AwsRequestSubject {
  readonly stateMachineArn?: string;
  readonly executionArn?: string;
  readonly executionName?: string;
  readonly region?: string;
}

/** Turns a known AWS or SDK error into a CliError; anything else is returned unchanged. */
export function explainAwsError(error: unknown, subject: AwsRequestSubject): unknown {
  if (!(error instanceof Error)) return error;
  const name = error.name;
  const detail = error.message ? ` (${firstLine(error.message)})` : "";
  switch (name) {
    case "ExecutionDoesNotExist":
      return new CliError(
        `execution ${subject.executionArn ?? ""} does not exist in ${subject.region ?? "this region"}; check the ARN (start prints it) and the account your credentials belong to`,
      );
    case "StateMachineDoesNotExist":
      return new CliError(
        `state machine ${subject.stateMachineArn ?? ""} does not exist in ${subject.region ?? "this region"}; check the ARN (the ClarifyPipelineStack output StateMachineArn) and the account your credentials belong to`,
      );
    case "StateMachineDeleting":
      return new CliError(`state machine ${subject.stateMachineArn ?? ""} is being deleted`);
    case "ExecutionAlreadyExists":
      return new CliError(
        `an execution named ${subject.executionName ?? ""} already exists for this state machine (names are unique for 90 days); give another --name or leave it out for a generated one`,
      );
    case "ExecutionLimitExceeded":
      return new CliError(`too many executions are running for this account${detail}; try again later`);
    case "InvalidName":
      return new CliError(`--name ${subject.executionName ?? ""} is not a valid execution name${detail}`);
    case "InvalidArn":
      return new CliError(`invalid ARN${detail}`);
    case "InvalidExecutionInput":
      return new CliError(`Step Functions rejected the execution input${detail}`);
    case "AccessDeniedException":
    case "AccessDenied":
    case "KmsAccessDeniedException":
      return new CliError(
        `access denied${detail}; the credentials in use need states:StartExecution, states:DescribeExecution and states:GetExecutionHistory on the state machine and its executions`,
      );
    case "UnrecognizedClientException":
    case "InvalidSignatureException":
    case "ExpiredTokenException":
    case "ExpiredToken":
      return new CliError(
        `AWS rejected the credentials${detail}; refresh them (e.g. aws sso login) and retry`,
      );
    case "CredentialsProviderError":
      return new CliError(
        "no AWS credentials found; set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is available (CodeBuild, GitHub Actions OIDC)",
      );
  }
  if (/region is missing/i.test(error.message)) {
    return new CliError("no AWS region; pass --region or set AWS_REGION");
  }
  const code = (error as { code?: unknown }).code;
  if (code === "ENOTFOUND" || code === "ECONNREFUSED" || code === "ETIMEDOUT" || code === "EAI_AGAIN") {
    return new CliError(
      `cannot reach Step Functions in ${subject.region ?? "this region"}: ${error.message}`,
    );
  }
  return error;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

import { Aws, CfnMapping, Fn } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { CLARIFY_IMAGE_ACCOUNTS, CLARIFY_IMAGE_TAG } from "../../lambdas/shared/clarify-image.ts";

/** The ECR repository of the prebuilt SageMaker Clarify processing container. */
export const CLARIFY_REPOSITORY_NAME = "sagemaker-clarify-processing";

/** The Clarify image as deployed: its URI and the ECR repository ARN the job role may pull from. */
export interface ClarifyImageReference {
  readonly imageUri: string;
  readonly repositoryArn: string;
}

/**
 * The default Clarify image for whatever region the stack is deployed to.
 *
 * A CfnMapping (region → image account) rather than a synth-time lookup keeps the
 * stack environment-agnostic: the region is resolved by CloudFormation at deploy time.
 */
export function defaultClarifyImage(scope: Construct, id: string): ClarifyImageReference {
  const mapping = new CfnMapping(scope, id, {
    mapping: Object.fromEntries(
      Object.entries(CLARIFY_IMAGE_ACCOUNTS).map(([region, account]) => [region, { account }]),
    ),
  });
  const account = mapping.findInMap(Aws.REGION, "account");
  return {
    imageUri: Fn.join("", [
      account,
      ".dkr.ecr.",
      Aws.REGION,
      ".",
      Aws.URL_SUFFIX,
      `/${CLARIFY_REPOSITORY_NAME}:${CLARIFY_IMAGE_TAG}`,
    ]),
    repositoryArn: Fn.join("", [
      "arn:",
      Aws.PARTITION,
      ":ecr:",
      Aws.REGION,
      ":",
      account,
      `:repository/${CLARIFY_REPOSITORY_NAME}`,
    ]),
  };
}

const ECR_IMAGE_URI =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9._/-]+)(?::[\w.-]+|@sha256:[a-f0-9]{64})$/;

/**
 * The ECR repository ARN of an overriding image URI, or undefined when the URI is not
 * a concrete ECR URI (a token, or another registry) and the repository cannot be named.
 */
export function repositoryArnOfImageUri(imageUri: string): string | undefined {
  const match = ECR_IMAGE_URI.exec(imageUri);
  if (!match) return undefined;
  const [, account, region, repository] = match;
  const partition = region?.startsWith("cn-")
    ? "aws-cn"
    : region?.startsWith("us-gov-")
      ? "aws-us-gov"
      : "aws";
  return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { CLARIFY_IMAGE_ACCOUNTS } from "../../lambdas/shared/clarify-image.ts";
import { defaultClarifyImage, repositoryArnOfImageUri } from "../../lib/private/clarify-image-mapping.ts";

describe("defaultClarifyImage", () => {
  it("maps every known region to its Clarify image account in a CfnMapping", () => {
    // Prepare
    const stack = new Stack();

    // Act
    defaultClarifyImage(stack, "ClarifyImageAccounts");
    const mappings = Template.fromStack(stack).toJSON().Mappings;

    // Assess
    expect(mappings).toEqual({
      ClarifyImageAccounts: Object.fromEntries(
        Object.entries(CLARIFY_IMAGE_ACCOUNTS).map(([region, account]) => [region, { account }]),
      ),
    });
  });

  it("builds the image URI from the deployment region, so an environment-agnostic stack works", () => {
    // Prepare
    const stack = new Stack();

    // Act
    const image = defaultClarifyImage(stack, "ClarifyImageAccounts");

    // Assess
    expect(stack.resolve(image.imageUri)).toEqual({
      "Fn::Join": [
        "",
        [
          { "Fn::FindInMap": ["ClarifyImageAccounts", { Ref: "AWS::Region" }, "account"] },
          ".dkr.ecr.",
          { Ref: "AWS::Region" },
          ".",
          { Ref: "AWS::URLSuffix" },
          "/sagemaker-clarify-processing:1.0",
        ],
      ],
    });
  });
});

describe("repositoryArnOfImageUri", () => {
  it.each([
    [
      "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0",
      "arn:aws:ecr:us-east-1:205585389593:repository/sagemaker-clarify-processing",
    ],
    [
      "122526803553.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-clarify-processing:1.0",
      "arn:aws-cn:ecr:cn-north-1:122526803553:repository/sagemaker-clarify-processing",
    ],
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/clarify@sha256:${"a".repeat(64)}`,
      "arn:aws:ecr:eu-west-1:123456789012:repository/team/clarify",
    ],
  ])("names the repository of %s", (uri, expected) => {
    // Prepare
    const imageUri = uri;

    // Act
    const arn = repositoryArnOfImageUri(imageUri);

    // Assess
    expect(arn).toBe(expected);
  });

  it.each(["docker.io/library/clarify:1", "clarify:latest"])("names no repository for %s", (uri) => {
    // Prepare
    const imageUri = uri;

    // Act
    const arn = repositoryArnOfImageUri(imageUri);

    // Assess
    expect(arn).toBeUndefined();
  });
});

/** Small readers over a synthesized template, for exact IAM and property assertions. */
import { type CfnElement, Stack } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";

/** An IAM statement as it appears in the template. */
export interface TemplateStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** The logical id of an L2 construct's CloudFormation resource. */
export function logicalIdOf(construct: IConstruct): string {
  const stack = Stack.of(construct);
  return stack.resolve(stack.getLogicalId(construct.node.defaultChild as CfnElement)) as string;
}

/** The statements of a role's inline policies, in order. */
export function inlineStatements(template: Template, roleLogicalId: string): TemplateStatement[] {
  const role = template.toJSON().Resources[roleLogicalId] as {
    Properties: { Policies?: { PolicyDocument: { Statement: TemplateStatement[] } }[] };
  };
  return (role.Properties.Policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement);
}

/** The statements of every AWS::IAM::Policy attached to a role, in order. */
export function attachedStatements(template: Template, roleLogicalId: string): TemplateStatement[] {
  const policies = template.findResources("AWS::IAM::Policy", {
    Properties: { Roles: [{ Ref: roleLogicalId }] },
  }) as Record<string, { Properties: { PolicyDocument: { Statement: TemplateStatement[] } } }>;
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` as CDK's formatArn writes it. */
export function regionalArn(service: string, resource: string): unknown {
  return {
    "Fn::Join": [
      "",
      [
        "arn:",
        { Ref: "AWS::Partition" },
        `:${service}:`,
        { Ref: "AWS::Region" },
        ":",
        { Ref: "AWS::AccountId" },
        `:${resource}`,
      ],
    ],
  };
}

/** `arn:<partition>:s3:::<bucket>[/<key>]` for a bucket known by name. */
export function namedBucketArn(bucketAndKey: string): unknown {
  return { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:s3:::${bucketAndKey}`]] };
}

/** `<bucket ARN>/<suffix>` for a bucket of the stack. */
export function objectArn(bucketLogicalId: string, suffix: string): unknown {
  return { "Fn::Join": ["", [{ "Fn::GetAtt": [bucketLogicalId, "Arn"] }, `/${suffix}`]] };
}

import { Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { IConstruct } from "constructs";
import { flattenCfnReference } from "./cdk-nag.ts";

/** Why resources matching `resource` (as cdk-nag flattens them) must end in a wildcard. */
export interface WildcardJustification {
  readonly resource: RegExp;
  readonly reason: string;
}

interface ResolvedStatement {
  readonly Effect?: string;
  readonly Resource?: unknown;
}

/**
 * Acknowledges the AwsSolutions-IAM5 finding of each wildcard resource in `documents` that
 * one of the justifications explains, each with its own reason. A wildcard nobody
 * explained stays a finding, so cdk-nag keeps failing until someone justifies it.
 *
 * Call once every statement is in place: the finding ids are computed from the
 * resolved documents, exactly as cdk-nag's IAM5 rule names them.
 */
export function acknowledgeWildcardResources(
  holder: IConstruct,
  documents: readonly iam.PolicyDocument[],
  justifications: readonly WildcardJustification[],
): string[] {
  const stack = Stack.of(holder);
  const acknowledged = new Set<string>();
  for (const document of documents) {
    const resolved = stack.resolve(document.toJSON()) as { Statement?: ResolvedStatement[] } | undefined;
    for (const statement of resolved?.Statement ?? []) {
      if (statement.Effect !== "Allow") continue;
      const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      for (const resource of resources.map(flattenCfnReference)) {
        if (!resource.includes("*")) continue;
        const finding = `AwsSolutions-IAM5[Resource::${resource}]`;
        const justification = justifications.find((candidate) => candidate.resource.test(resource));
        if (!justification || acknowledged.has(finding)) continue;
        Validations.of(holder).acknowledge({ id: finding, reason: justification.reason });
        acknowledged.add(finding);
      }
    }
  }
  return [...acknowledged];
}

/**
 * Acknowledges the justified wildcards of a state machine's role: the statements the
 * StateMachine construct and `addToRolePolicy` put in its default policy. Call once every
 * statement is in place.
 */
export function acknowledgeStateMachineWildcards(
  stateMachine: sfn.StateMachine,
  justifications: readonly WildcardJustification[],
): void {
  const role = stateMachine.role;
  const defaultPolicy = role.node.tryFindChild("DefaultPolicy");
  if (!(defaultPolicy instanceof iam.Policy)) return;
  acknowledgeWildcardResources(role, [defaultPolicy.document], justifications);
}

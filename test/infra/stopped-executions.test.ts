/** The rule that records aborted and timed-out executions (which no Catch sees end). */
import { beforeAll, describe, expect, it } from "vitest";
import { type SynthesizedPipeline, synthesizePipeline } from "./synth-pipeline.ts";
import { logicalIdOf } from "./template-helpers.ts";

let synth: SynthesizedPipeline;
beforeAll(() => {
  synth = synthesizePipeline();
}, 120_000);

describe("stopped executions", () => {
  it("are matched by their status change events, ABORTED and TIMED_OUT, of this state machine only", () => {
    // Prepare
    const { pipeline } = synth.stack;
    const ruleId = logicalIdOf(pipeline.stoppedExecutionsRule);

    // Act
    const rule = synth.template.toJSON().Resources[ruleId] as { Properties: Record<string, unknown> };

    // Assess: the default bus, where Step Functions sends its events.
    expect(rule.Properties.EventBusName).toBeUndefined();
    expect(rule.Properties.State).toBe("ENABLED");
    expect(rule.Properties.EventPattern).toEqual({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: {
        status: ["ABORTED", "TIMED_OUT"],
        stateMachineArn: [{ Ref: logicalIdOf(pipeline.stateMachine) }],
      },
    });
  });

  it("invoke collect-results in its recordAbort mode with the event's detail, retried", () => {
    // Prepare
    const { pipeline } = synth.stack;
    const ruleId = logicalIdOf(pipeline.stoppedExecutionsRule);

    // Act
    const rule = synth.template.toJSON().Resources[ruleId] as {
      Properties: { Targets: Record<string, unknown>[] };
    };

    // Assess
    expect(rule.Properties.Targets).toEqual([
      {
        Id: "Target0",
        Arn: { "Fn::GetAtt": [logicalIdOf(pipeline.collectResultsFunction), "Arn"] },
        InputTransformer: {
          InputPathsMap: { detail: "$.detail" },
          InputTemplate: '{"mode":"recordAbort","detail":<detail>}',
        },
        RetryPolicy: { MaximumEventAgeInSeconds: 21600, MaximumRetryAttempts: 8 },
      },
    ]);
  });

  it("may invoke collect-results from this rule only, and grant the function nothing more", () => {
    // Prepare
    const { pipeline } = synth.stack;
    const functionId = logicalIdOf(pipeline.collectResultsFunction);
    const ruleId = logicalIdOf(pipeline.stoppedExecutionsRule);

    // Act
    const permissions = Object.values(synth.template.findResources("AWS::Lambda::Permission")).map(
      (resource) => resource.Properties,
    );
    const policies = synth.template.findResources("AWS::IAM::Policy", {
      Properties: { Roles: [{ Ref: logicalIdOf(pipeline.collectResultsFunction.role as never) }] },
    });

    // Assess
    expect(
      permissions.filter((permission) => JSON.stringify(permission.FunctionName).includes(functionId)),
    ).toEqual([
      {
        Action: "lambda:InvokeFunction",
        FunctionName: { "Fn::GetAtt": [functionId, "Arn"] },
        Principal: "events.amazonaws.com",
        SourceArn: { "Fn::GetAtt": [ruleId, "Arn"] },
      },
    ]);
    expect(policies).toEqual({});
  });
});

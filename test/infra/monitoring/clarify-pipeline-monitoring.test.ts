import { App, Duration, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as events from "aws-cdk-lib/aws-events";
import { beforeAll, describe, expect, it } from "vitest";
import { ALL_METRICS } from "../../../contracts/metric-codes.ts";
import { ClarifyPipeline } from "../../../lib/clarify-pipeline.ts";
import { ClarifyPipelineMonitoring } from "../../../lib/monitoring/clarify-pipeline-monitoring.ts";
import { AwsSolutionsChecks } from "../../../lib/private/cdk-nag.ts";
import {
  CDK_JSON_CONTEXT,
  INPUT_BUCKET,
  type SynthesizedPipeline,
  synthesizePipeline,
} from "../synth-pipeline.ts";
import { inlineStatements, logicalIdOf } from "../template-helpers.ts";

const EMAIL = "ml-fairness@example.com";

let synth: SynthesizedPipeline;
let ids: { topic: string; key: string; stateMachine: string };

beforeAll(() => {
  synth = synthesizePipeline({ monitoring: { notificationEmail: EMAIL } });
  const { monitoring, pipeline } = synth.stack;
  ids = {
    topic: logicalIdOf(monitoring.alarmTopic),
    key: logicalIdOf(monitoring.topicKey),
    stateMachine: logicalIdOf(pipeline.stateMachine),
  };
});

/** The dashboard body as JSON, each CloudFormation reference in it written `<ref>`. */
function dashboardBody(template: Template): { widgets: DashboardWidget[] } {
  const [dashboard] = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
  const parts = dashboard?.Properties.DashboardBody["Fn::Join"][1] as unknown[];
  return JSON.parse(parts.map((part) => (typeof part === "string" ? part : "<ref>")).join(""));
}

interface DashboardWidget {
  readonly properties: {
    readonly title: string;
    readonly metrics: unknown[][];
    readonly annotations?: unknown;
  };
}

describe("alarm topic", () => {
  it("is encrypted with its own rotating KMS key that CloudWatch and EventBridge may use", () => {
    // Prepare
    const resources = synth.template.toJSON().Resources;

    // Act
    const topic = resources[ids.topic];
    const key = resources[ids.key];

    // Assess
    expect(topic.Properties).toEqual({
      DisplayName: "Clarify pipeline alarms",
      KmsMasterKeyId: { "Fn::GetAtt": [ids.key, "Arn"] },
    });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy.Statement.slice(1)).toEqual(
      ["cloudwatch.amazonaws.com", "events.amazonaws.com"].map((service) => ({
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Effect: "Allow",
        Principal: { Service: service },
        Resource: "*",
      })),
    );
    expect(key.DeletionPolicy).toBe("Retain");
  });

  it("takes publications over TLS only, and from EventBridge", () => {
    // Prepare
    const policies = synth.template.findResources("AWS::SNS::TopicPolicy");

    // Act
    const [policy] = Object.values(policies);

    // Assess
    expect(Object.keys(policies)).toHaveLength(1);
    expect(policy?.Properties).toEqual({
      Topics: [{ Ref: ids.topic }],
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AllowPublishThroughSSLOnly",
            Effect: "Deny",
            Principal: "*",
            Action: "sns:Publish",
            Resource: { Ref: ids.topic },
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "1",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: { Ref: ids.topic },
          },
        ],
      },
    });
  });

  it("has the e-mail subscription asked for", () => {
    // Prepare
    const subscriptions = synth.template.findResources("AWS::SNS::Subscription");

    // Act
    const properties = Object.values(subscriptions).map((subscription) => subscription.Properties);

    // Assess
    expect(properties).toEqual([{ Protocol: "email", Endpoint: EMAIL, TopicArn: { Ref: ids.topic } }]);
  });
});

describe("execution alarms", () => {
  it("fire on any failed, timed-out or aborted execution in 5 minutes and notify the topic", () => {
    // Prepare
    const alarms = synth.template.findResources("AWS::CloudWatch::Alarm");

    // Act
    const properties = Object.values(alarms).map(({ Properties }) => {
      const { AlarmDescription: _description, ...rest } = Properties;
      return rest;
    });

    // Assess
    expect(properties).toEqual(
      ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"].map((metricName) => ({
        Namespace: "AWS/States",
        MetricName: metricName,
        Dimensions: [{ Name: "StateMachineArn", Value: { Ref: ids.stateMachine } }],
        Statistic: "Sum",
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
        AlarmActions: [{ Ref: ids.topic }],
      })),
    );
  });
});

describe("bias gate rule", () => {
  it("sends the pipeline's Clarify Bias Gate Failed events from the default bus to the topic, as a readable line", () => {
    // Prepare
    const rules = synth.template.findResources("AWS::Events::Rule");

    // Act
    const rule = rules[logicalIdOf(synth.stack.monitoring.biasGateFailedRule)];

    // Assess
    expect(rule?.Properties).toMatchObject({
      EventBusName: "default",
      State: "ENABLED",
      EventPattern: { source: ["clarify-pipeline"], "detail-type": ["Clarify Bias Gate Failed"] },
      Targets: [
        {
          Arn: { Ref: ids.topic },
          Id: "Target0",
          InputTransformer: {
            InputPathsMap: {
              "detail-runName": "$.detail.runName",
              "detail-execution-name": "$.detail.execution.name",
              "detail-message": "$.detail.message",
              "detail-summaryUri": "$.detail.summaryUri",
            },
            InputTemplate:
              '"Clarify run <detail-runName> (execution <detail-execution-name>) failed its bias gate: <detail-message> Summary: <detail-summaryUri>"',
          },
        },
      ],
    });
  });
});

describe("dashboard", () => {
  it("graphs run outcomes and execution durations of the state machine", () => {
    // Prepare
    const body = dashboardBody(synth.template);

    // Act
    const [outcomes, durations] = body.widgets;

    // Assess
    expect(outcomes?.properties.title).toBe("Run outcomes");
    expect(outcomes?.properties.metrics.map((metric) => metric.slice(0, 4))).toEqual(
      ["ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"].map((name) => [
        "AWS/States",
        name,
        "StateMachineArn",
        "<ref>",
      ]),
    );
    expect(durations?.properties.title).toBe("Execution duration");
    expect(durations?.properties.metrics).toEqual([
      ["AWS/States", "ExecutionTime", "StateMachineArn", "<ref>", { label: "Average" }],
      ["AWS/States", "ExecutionTime", "StateMachineArn", "<ref>", { label: "Maximum", stat: "Maximum" }],
    ]);
  });

  it("graphs each bias metric code with a search over the ClarifyPipeline namespace and its dimensions", () => {
    // Prepare
    const body = dashboardBody(synth.template);

    // Act
    const biasWidgets = body.widgets.slice(2, 2 + ALL_METRICS.length);

    // Assess
    expect(biasWidgets.map((widget) => widget.properties.title)).toEqual(
      ALL_METRICS.map((code) => `Bias metric ${code} per run, stage, facet and value`),
    );
    expect(biasWidgets.map((widget) => widget.properties.metrics)).toEqual(
      ALL_METRICS.map((code) => [
        [
          {
            expression: `SEARCH('{ClarifyPipeline,RunName,Stage,Facet,FacetValue} MetricName="${code}"', 'Average', 300)`,
          },
        ],
      ]),
    );
  });
});

describe("drift widgets", () => {
  it("graph each code's drift from the baseline (the EMF metric <code>Drift) with the no-drift line", () => {
    // Prepare
    const body = dashboardBody(synth.template);

    // Act
    const driftWidgets = body.widgets.slice(2 + ALL_METRICS.length);

    // Assess
    expect(driftWidgets.map((widget) => widget.properties.title)).toEqual(
      ALL_METRICS.map((code) => `Drift of ${code} from the baseline (further from the ideal is above 0)`),
    );
    expect(driftWidgets.map((widget) => widget.properties.metrics)).toEqual(
      ALL_METRICS.map((code) => [
        [
          {
            expression: `SEARCH('{ClarifyPipeline,RunName,Stage,Facet,FacetValue} MetricName="${code}Drift"', 'Average', 300)`,
          },
        ],
      ]),
    );
    expect(driftWidgets[0]?.properties.annotations).toEqual({
      horizontal: [{ value: 0, label: "as the baseline", yAxis: "left" }],
    });
  });
});

describe("cdk-nag", () => {
  it("finds nothing in the stack with monitoring and an e-mail subscription", () => {
    // Prepare
    const checks = new AwsSolutionsChecks(undefined, { verbose: true });

    // Act
    const report = checks.validateScope(synth.stack);

    // Assess
    expect(report.violations).toEqual([]);
  });
});

describe("a pipeline with its own event bus", () => {
  it("sends its events there, and the monitoring rule listens there", () => {
    // Prepare
    const stack = new Stack(new App({ context: CDK_JSON_CONTEXT }), "OwnBus");
    const bus = new events.EventBus(stack, "MlEvents", { eventBusName: "ml-events" });
    const pipeline = new ClarifyPipeline(stack, "Pipeline", {
      eventBus: bus,
      allowedInputBuckets: [INPUT_BUCKET],
    });

    // Act
    const monitoring = new ClarifyPipelineMonitoring(stack, "Monitoring", { pipeline });
    const template = Template.fromStack(stack);

    // Assess
    const busId = logicalIdOf(bus);
    const resources = template.toJSON().Resources;
    expect(resources[logicalIdOf(monitoring.biasGateFailedRule)].Properties.EventBusName).toEqual({
      Ref: busId,
    });
    expect(
      resources[logicalIdOf(pipeline.collectResultsFunction)].Properties.Environment.Variables,
    ).toMatchObject({
      CLARIFY_EVENT_BUS_NAME: { Ref: busId },
    });
    const roleId = logicalIdOf(pipeline.collectResultsFunction.role as never);
    expect(inlineStatements(template, roleId).filter((s) => s.Action === "events:PutEvents")).toEqual([
      expect.objectContaining({ Resource: { "Fn::GetAtt": [busId, "Arn"] } }),
    ]);
    expect(template.findResources("AWS::SNS::Subscription")).toEqual({});
  });
});

describe("props", () => {
  it("refuse a period that is not a whole number of minutes, naming it", () => {
    // Prepare
    const stack = new Stack(new App(), "BadPeriod");
    const pipeline = synth.stack.pipeline;

    // Act
    const act = () =>
      new ClarifyPipelineMonitoring(stack, "Monitoring", { pipeline, period: Duration.seconds(90) });

    // Assess
    expect(act).toThrow(
      "ClarifyPipelineMonitoring period: 90 seconds must be a whole number of minutes (Step Functions metrics are per minute)",
    );
  });

  it("refuse a bias metric code that cannot be a metric name, naming it", () => {
    // Prepare
    const stack = new Stack(new App(), "BadCode");
    const pipeline = synth.stack.pipeline;

    // Act
    const act = () =>
      new ClarifyPipelineMonitoring(stack, "Monitoring", { pipeline, biasMetricCodes: ["CI", "D I"] });

    // Assess
    expect(act).toThrow(
      'ClarifyPipelineMonitoring biasMetricCodes: "D I" is not a metric code (letters, digits, "_" or "-", at most 255)',
    );
  });
});

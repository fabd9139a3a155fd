import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { ClarifyPipeline, type ClarifyPipelineProps } from "./clarify-pipeline.ts";
import {
  ClarifyPipelineMonitoring,
  type ClarifyPipelineMonitoringProps,
} from "./monitoring/clarify-pipeline-monitoring.ts";
import {
  addPipelineTriggers,
  type PipelineTriggers,
  type PipelineTriggersProps,
} from "./triggers/pipeline-triggers.ts";

/** Properties of a {@link ClarifyPipelineStack}. */
export interface ClarifyPipelineStackProps extends StackProps {
  /**
   * How the pipeline is configured.
   *
   * @default - every ClarifyPipeline default
   */
  readonly pipeline?: ClarifyPipelineProps;

  /**
   * What starts runs besides a manual StartExecution: schedules, completed training jobs, new
   * model packages.
   *
   * @default - no trigger
   */
  readonly triggers?: PipelineTriggersProps;

  /**
   * How the pipeline is watched: alarm topic, e-mail subscription, dashboard.
   *
   * @default - every ClarifyPipelineMonitoring default (no e-mail subscription)
   */
  readonly monitoring?: Omit<ClarifyPipelineMonitoringProps, "pipeline">;
}

/** A deployable stack with one Clarify pipeline; outputs what a caller needs to start runs. */
export class ClarifyPipelineStack extends Stack {
  public readonly pipeline: ClarifyPipeline;
  /** The triggers asked for in `triggers`. */
  public readonly triggers: PipelineTriggers;
  /** Alarms, the alarm topic and the dashboard of the pipeline. */
  public readonly monitoring: ClarifyPipelineMonitoring;

  constructor(scope: Construct, id: string, props: ClarifyPipelineStackProps = {}) {
    super(scope, id, props);
    this.pipeline = new ClarifyPipeline(this, "ClarifyPipeline", props.pipeline);
    this.triggers = addPipelineTriggers(this, this.pipeline, props.triggers ?? {});
    this.monitoring = new ClarifyPipelineMonitoring(this, "Monitoring", {
      ...props.monitoring,
      pipeline: this.pipeline,
    });

    new CfnOutput(this, "StateMachineArn", {
      description: "Start a Clarify run: clarify-pipeline start --state-machine <this ARN> --input run.json",
      value: this.pipeline.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, "ArtifactsBucketName", {
      description: "Bucket holding the run folders (inputs snapshot, analysis results, summary.json)",
      value: this.pipeline.artifactsBucket.bucketName,
    });
    new CfnOutput(this, "AlarmTopicArn", {
      description: "SNS topic told of failed, timed-out or aborted runs and of failed bias gates",
      value: this.monitoring.alarmTopic.topicArn,
    });
  }
}

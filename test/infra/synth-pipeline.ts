/** Synthesizes the example stack once per test file (bundling the three functions with esbuild). */
import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { ClarifyPipelineStack, type ClarifyPipelineStackProps } from "../../lib/clarify-pipeline-stack.ts";

export interface SynthesizedPipeline {
  readonly stack: ClarifyPipelineStack;
  readonly template: Template;
  /** Resolves a CDK token (an ARN, a name) to the CloudFormation expression the template holds. */
  readonly resolve: (value: unknown) => unknown;
  /** Cloud assembly directory, where the bundled assets are. */
  readonly assemblyDir: string;
}

/** The input bucket the fixture stacks allow runs to read from. */
export const INPUT_BUCKET = "credit-data-bucket";

/** The context of cdk.json, so tests synthesize what `cdk synth` does. */
export const CDK_JSON_CONTEXT = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8"))
  .context as Record<string, unknown>;

export function synthesizePipeline(props: ClarifyPipelineStackProps = {}): SynthesizedPipeline {
  const app = new App({ context: CDK_JSON_CONTEXT });
  const stack = new ClarifyPipelineStack(app, "ClarifyPipelineTest", {
    ...props,
    pipeline: { allowedInputBuckets: [INPUT_BUCKET], ...props.pipeline },
  });
  const template = Template.fromStack(stack);
  const assemblyDir = app.synth().directory;
  return { stack, template, resolve: (value) => stack.resolve(value), assemblyDir };
}

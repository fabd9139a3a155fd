/**
 * The `engine` prop: which image the jobs run, what the job role may pull, which rules
 * validate-config applies. The builtin engine's image is a DockerImageAsset staged at synth
 * (no Docker needed) from the esbuild bundle of container/.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DockerImageAsset } from "aws-cdk-lib/aws-ecr-assets";
import { beforeAll, describe, expect, it } from "vitest";
import { SETTINGS_ENV } from "../../lambdas/shared/settings.ts";
import { ClarifyEngine } from "../../lib/clarify-pipeline.ts";
import { AwsSolutionsChecks } from "../../lib/private/cdk-nag.ts";
import { type SynthesizedPipeline, synthesizePipeline } from "./synth-pipeline.ts";

const ECR_PULL = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"];

type Statement = { Action: string | string[]; Resource: unknown };

/** The statements of the job role's inline policy. */
function jobRoleStatements(synth: SynthesizedPipeline): Statement[] {
  const roleId = synth.stack.resolve(synth.stack.pipeline.jobRole.roleArn)["Fn::GetAtt"][0] as string;
  const role = synth.template.toJSON().Resources[roleId];
  return role.Properties.Policies.flatMap(
    (policy: { PolicyDocument: { Statement: Statement[] } }) => policy.PolicyDocument.Statement,
  );
}

function statementWith(statements: Statement[], action: string): Statement | undefined {
  return statements.find((statement) => [statement.Action].flat().includes(action));
}

/** The environment of the validate-config function. */
function validateConfigEnvironment(synth: SynthesizedPipeline): Record<string, unknown> {
  const id = synth.stack.getLogicalId(synth.stack.pipeline.validateConfigFunction.node.defaultChild as never);
  return synth.template.toJSON().Resources[id].Properties.Environment.Variables;
}

describe("ClarifyEngine.builtin()", () => {
  let synth: SynthesizedPipeline;
  beforeAll(() => {
    synth = synthesizePipeline({ pipeline: { engine: ClarifyEngine.builtin() } });
  }, 120_000);

  it("makes the asset image the jobs' image and tells validate-config the engine", () => {
    // Act
    const environment = validateConfigEnvironment(synth);
    const imageUri = synth.resolve(synth.stack.pipeline.clarifyImageUri);

    // Assess
    expect(JSON.stringify(imageUri)).toMatch(
      /container-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}:[a-f0-9]{64}/,
    );
    expect(environment[SETTINGS_ENV.clarifyImageUri]).toEqual(imageUri);
    expect(environment[SETTINGS_ENV.engine]).toBe("builtin");
    expect(synth.stack.pipeline.engine).toBe("builtin");
  });

  it("lets the job role pull from the asset's repository only", () => {
    // Act
    const statements = jobRoleStatements(synth);
    const pull = statementWith(statements, "ecr:BatchGetImage");
    const token = statementWith(statements, "ecr:GetAuthorizationToken");

    // Assess
    const repositoryArn = synth.resolve(
      (synth.stack.pipeline.node.findChild("EngineImage") as DockerImageAsset).repository.repositoryArn,
    );
    expect(pull).toEqual({ Effect: "Allow", Action: ECR_PULL, Resource: repositoryArn });
    expect(JSON.stringify(repositoryArn)).toContain("container-assets-");
    expect(JSON.stringify(repositoryArn)).not.toContain("*");
    // GetAuthorizationToken supports no resource: it opens the registry session, not a repository.
    expect(token).toEqual({ Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" });
  });

  it("stages a Docker build context of the Dockerfile and the bundles, built by cdk deploy", () => {
    // Act
    const manifest = JSON.parse(
      readFileSync(join(synth.assemblyDir, `${synth.stack.artifactId}.assets.json`), "utf8"),
    ) as { dockerImages: Record<string, { source: { directory: string; platform?: string } }> };
    const images = Object.values(manifest.dockerImages);

    // Assess
    expect(images).toHaveLength(1);
    expect(images[0]?.source.platform).toBe("linux/amd64");
    const directory = join(synth.assemblyDir, images[0]?.source.directory ?? "");
    expect(readdirSync(directory).sort()).toEqual([
      "Dockerfile",
      "clarify-count-worker.mjs",
      "clarify-explain-worker.mjs",
      "clarify-pipeline.mjs",
    ]);
  });

  it("lets the job role make, call and delete shadow endpoints named sm-clarify-* only, and read its job's tags", () => {
    // Act
    const statements = jobRoleStatements(synth);
    const sagemaker = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("sagemaker:")));

    // Assess: the permissions a model_name predictor needs, as for the Clarify image, and nothing wider.
    const arn = (resource: string) => ({
      "Fn::Join": [
        "",
        [
          "arn:",
          { Ref: "AWS::Partition" },
          ":sagemaker:",
          { Ref: "AWS::Region" },
          ":",
          { Ref: "AWS::AccountId" },
          `:${resource}`,
        ],
      ],
    });
    expect(sagemaker).toEqual([
      { Effect: "Allow", Action: "sagemaker:ListTags", Resource: expect.anything() },
      {
        Effect: "Allow",
        Action: [
          "sagemaker:CreateEndpointConfig",
          "sagemaker:CreateEndpoint",
          "sagemaker:AddTags",
          "sagemaker:DescribeEndpoint",
          "sagemaker:InvokeEndpoint",
          "sagemaker:DeleteEndpoint",
          "sagemaker:DeleteEndpointConfig",
        ],
        Resource: [arn("endpoint/sm-clarify-*"), arn("endpoint-config/sm-clarify-*")],
      },
    ]);
    expect(JSON.stringify(sagemaker[0]?.Resource)).toContain(":processing-job/");
  });

  it("lets the job role call the endpoint_name predictors the deployment names, and only those", () => {
    // Prepare
    const named = synthesizePipeline({
      pipeline: {
        engine: ClarifyEngine.fromImageUri("123456789012.dkr.ecr.eu-west-1.amazonaws.com/clarify-engine:1.0"),
        invocableEndpointNames: ["credit-live"],
      },
    });

    // Act
    const invoke = jobRoleStatements(named).filter((s) =>
      [s.Action].flat().includes("sagemaker:InvokeEndpoint"),
    );

    // Assess: the shadow endpoints' statement, then the named endpoint's.
    expect(invoke).toHaveLength(2);
    expect(invoke.at(-1)).toEqual({
      Effect: "Allow",
      Action: ["sagemaker:DescribeEndpoint", "sagemaker:InvokeEndpoint"],
      Resource: expect.objectContaining({
        "Fn::Join": ["", expect.arrayContaining([":endpoint/credit-live"])],
      }),
    });
  }, 120_000);

  it("keeps cdk-nag AwsSolutions clean", () => {
    // Act
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(synth.stack);

    // Assess
    expect(report.violations).toEqual([]);
  });
});

describe("ClarifyEngine.fromImageUri() and the default", () => {
  it("pulls a prebuilt engine image from its own repository", () => {
    // Prepare
    const uri = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/clarify-engine:1.0";

    // Act
    const synth = synthesizePipeline({ pipeline: { engine: ClarifyEngine.fromImageUri(uri) } });

    // Assess
    expect(statementWith(jobRoleStatements(synth), "ecr:BatchGetImage")?.Resource).toBe(
      "arn:aws:ecr:eu-west-1:123456789012:repository/clarify-engine",
    );
    expect(validateConfigEnvironment(synth)).toMatchObject({
      [SETTINGS_ENV.clarifyImageUri]: uri,
      [SETTINGS_ENV.engine]: "builtin",
    });
  });

  it("runs the Clarify image by default", () => {
    // Act
    const synth = synthesizePipeline();

    // Assess
    expect(synth.stack.pipeline.engine).toBe("clarify");
    expect(validateConfigEnvironment(synth)[SETTINGS_ENV.engine]).toBe("clarify");
    expect(JSON.stringify(synth.template.toJSON())).not.toContain("container-assets");
  });

  it("refuses an engine together with clarifyImageUri", () => {
    // Act
    const both = () =>
      synthesizePipeline({
        pipeline: { engine: ClarifyEngine.builtin(), clarifyImageUri: "1.dkr.ecr.x/y:1" },
      });

    // Assess
    expect(both).toThrow(/clarifyImageUri and engine are both set/);
  });

  it("passes several default instances to the builtin engine's functions", () => {
    // Act
    const synth = synthesizePipeline({
      pipeline: { engine: ClarifyEngine.fromImageUri("a/b:1"), defaultInstanceCount: 2 },
    });

    // Assess
    expect(validateConfigEnvironment(synth)).toMatchObject({
      [SETTINGS_ENV.engine]: "builtin",
      [SETTINGS_ENV.defaultInstanceCount]: "2",
    });
  });
});

describe("bin/app.ts -c engine", () => {
  const ROOT = new URL("../..", import.meta.url).pathname;
  const synthApp = (engine: string) =>
    spawnSync(join(ROOT, "node_modules/.bin/node"), [join(ROOT, "bin/app.ts")], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        // No Docker on the PATH: synth must stage the image's context without building it.
        PATH: [join(ROOT, "node_modules/.bin"), "/usr/bin", "/bin"].join(":"),
        CDK_CONTEXT_JSON: JSON.stringify({ engine }),
        CDK_OUTDIR: mkdtempSync(join(tmpdir(), "app-engine-")),
      },
      timeout: 120_000,
    });

  it("synthesizes the builtin engine without Docker, and refuses an unknown engine", () => {
    // Act
    const builtin = synthApp("builtin");
    const unknown = synthApp("sagemaker");

    // Assess
    expect(builtin.status).toBe(0);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe("error: -c engine=sagemaker: must be clarify or builtin\n");
  });
});

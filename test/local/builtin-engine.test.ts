/**
 * A local run as a deployment of the builtin engine would run it (`run --local --engine builtin`):
 * its image as the job's image, its validation rules (what the engine cannot compute, on one
 * instance or several), and every job through the engine's container process.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../bin/cli/main.ts";
import { clarifyImageUri } from "../../lambdas/shared/clarify-image.ts";
import { LOCAL_BUILTIN_IMAGE_URI, localEngineSettings } from "../../local/local-settings.ts";
import { FIXTURE, type ScenarioWorkspace, scenarioWorkspace } from "./support/scenario.ts";

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("builtin-engine");
});
afterAll(async () => {
  await workspace.close();
});

const builtin = { settings: localEngineSettings("builtin") };

async function configWith(name: string, changes: Record<string, unknown>): Promise<string> {
  const config = JSON.parse(await readFile(join(FIXTURE, "analysis_config.json"), "utf8"));
  const path = join(workspace.root, name);
  await writeFile(path, JSON.stringify({ ...config, ...changes }));
  return path;
}

describe("a local run of the builtin engine", () => {
  it("runs a job of the builtin image, naming it or not, through the engine's container process", async () => {
    // Act
    const named = await workspace.run({ job: { imageUri: LOCAL_BUILTIN_IMAGE_URI } }, builtin);
    const defaulted = await workspace.run({}, builtin);

    // Assess
    for (const report of [named, defaulted]) {
      expect(report.verdict).toBe("succeeded");
      expect(report.jobs).toHaveLength(1);
      expect(report.jobs[0]?.AppSpecification).toEqual({ ImageUri: LOCAL_BUILTIN_IMAGE_URI });
      // The job's log is the entrypoint's stdout.
      expect(report.log).toContain("          job: dataset: input/data (1 file)");
    }
  });

  it("explains only a model handed to the local run: SHAP with a predictor and no localModel fails in the job, naming localModel", async () => {
    // Prepare: valid for the Clarify image (a predictor to explain).
    const configPath = await configWith("shap.json", {
      methods: { pre_training_bias: { methods: ["CI"] }, shap: { num_samples: 5 } },
      predictor: { model_name: "credit-model", instance_type: "ml.m5.xlarge", initial_instance_count: 1 },
    });

    // Act
    const onBuiltin = await workspace.run({ analysisConfigUri: configPath }, builtin);

    // Assess: a deployment of the builtin engine calls the predictor; a local run has no SageMaker to call.
    expect(onBuiltin.execution.failedStep).toBe("RunClarifyJob");
    expect(JSON.stringify(onBuiltin.summary)).toMatch(/methods\.shap needs a model to explain: .*localModel/);
  });

  it("rejects the Clarify image, and on several instances what they cannot compute", async () => {
    // Prepare
    const config = JSON.parse(await readFile(join(FIXTURE, "analysis_config.json"), "utf8"));
    const analysisConfig = {
      ...config,
      predicted_label: "Income",
      methods: { post_training_bias: { methods: ["DPPL", "FT"] } },
    };

    // Act
    const report = await workspace.run(
      {
        analysisConfigUri: undefined,
        analysisConfig,
        job: { imageUri: clarifyImageUri("us-east-1"), instanceCount: 2 },
      },
      builtin,
    );

    // Assess
    const problems = (report.summary as { problems: string[] }).problems;
    expect(problems).toEqual([
      expect.stringMatching(
        /^\$\.analysisConfig\.methods\.post_training_bias\.methods: FT with 2 instances: the Flip Test compares/,
      ),
      `$.job.imageUri: "${clarifyImageUri("us-east-1")}" is not the image of this deployment's builtin engine; leave the image out or name ${LOCAL_BUILTIN_IMAGE_URI}`,
    ]);
    expect(report.sageMakerCalls.createProcessingJob).toBe(0);
  });

  it("is not the default: a Clarify deployment refuses the builtin image", async () => {
    // Act
    const report = await workspace.run({ job: { imageUri: LOCAL_BUILTIN_IMAGE_URI } });

    // Assess
    expect(report.execution.failedStep).toBe("ValidateConfig");
    expect((report.summary as { problems: string[] }).problems).toEqual([
      expect.stringMatching(
        /^\$\.job\.imageUri: ".*clarify-pipeline-engine:local" is not a SageMaker Clarify image/,
      ),
    ]);
  });
});

describe("clarify-pipeline run --local --engine", () => {
  it("runs the builtin engine's deployment with --engine builtin, and refuses an unknown engine", async () => {
    // Prepare
    const input = await workspace.writeRunJson("engine-cli.json", {
      analysisConfigUri: "credit-config.json",
      dataset: { uri: "credit.csv", s3DataType: "S3Prefix" },
      job: { imageUri: LOCAL_BUILTIN_IMAGE_URI },
    });
    await writeFile(
      join(workspace.root, "credit-config.json"),
      await readFile(join(FIXTURE, "analysis_config.json")),
    );
    await writeFile(join(workspace.root, "credit.csv"), await readFile(join(FIXTURE, "train.csv")));
    const io = () => {
      const out = { stderr: "" };
      const stderr = (text: string) => {
        out.stderr += text;
      };
      return { out, io: { stdout: () => {}, stderr } };
    };
    const ok = io();
    const bad = io();

    // Act
    const code = await main(
      [
        "run",
        "--local",
        "--engine",
        "builtin",
        "--input",
        input,
        "--out",
        join(workspace.root, "engine-cli"),
      ],
      ok.io,
    );
    const badCode = await main(["run", "--local", "--engine", "sagemaker", "--input", input], bad.io);

    // Assess
    expect(code).toBe(0);
    expect(ok.out.stderr).toContain("succeeded: every bias gate passed");
    expect(badCode).toBe(1);
    expect(bad.out.stderr).toBe("error: --engine sagemaker: must be one of clarify, builtin\n");
  });
});

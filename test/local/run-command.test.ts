import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../bin/cli/main.ts";
import { runCli } from "../support/run-cli.ts";

const FIXTURE = new URL("./fixtures/credit-mini/", import.meta.url).pathname;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "run-command-test-"));
  // run.json may name only files inside its own folder: the fixture's files go beside it.
  for (const file of ["analysis_config.json", "train.csv"])
    await copyFile(join(FIXTURE, file), join(root, file));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function runJson(name: string, overrides: Record<string, unknown>): Promise<string> {
  const base = JSON.parse(await readFile(join(FIXTURE, "run.json"), "utf8")) as Record<string, unknown>;
  const path = join(root, name);
  const input = {
    ...base,
    analysisConfigUri: "analysis_config.json",
    dataset: { uri: "train.csv", s3DataType: "S3Prefix" },
    ...overrides,
  };
  await writeFile(path, JSON.stringify(input));
  return path;
}

describe("clarify-pipeline run --local", () => {
  it("exits 0 with progress per state, the verdict, the transitions and the results folder", async () => {
    // Prepare
    const out = join(root, "ok");

    // Act
    const result = await runCli(["run", "--local", "--input", join(FIXTURE, "run.json"), "--out", out]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/→ ValidateConfig\n.*✓ ValidateConfig \(\d+\.\d\ds\)/);
    expect(result.stderr).toContain("succeeded: every bias gate passed");
    expect(result.stderr).toContain("state transitions: 6");
    expect(result.stderr).toContain(`results: ${out}`);
    expect((await stat(join(out, "output", "report.html"))).isFile()).toBe(true);
    expect(result.stderr).toContain(`report: ${join(out, "report.html")}\n`);
    const report = await readFile(join(out, "report.html"), "utf8");
    expect(report).toContain("Every gate held");
    // The dataset as run.json names it, not as the job's container saw it (input/data/train.csv).
    expect(report).toContain("1 file: <code>train.csv</code>.");
    expect(report).not.toContain("input/data/");
  });

  it("exits 2 when a bias gate fails", async () => {
    // Prepare
    const input = await runJson("gate.json", { gates: { DPL: { absMax: 0.000001 } } });

    // Act
    const result = await runCli(["run", "--local", "--input", input, "--out", join(root, "gate")]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("bias-gate-failed: bias gate failed:");
    expect(JSON.parse(await readFile(join(root, "gate", "summary.json"), "utf8"))).toMatchObject({
      status: "BiasGateFailed",
      reportUri: expect.stringMatching(/\/report\.html$/),
    });
    const report = await readFile(join(root, "gate", "report.html"), "utf8");
    expect(report).toContain("Bias gates failed");
    expect(report).not.toContain("No gates were given");
  });

  it("exits 1 naming the failed step and error, without a stack trace", async () => {
    // Prepare
    const input = await runJson("invalid.json", { job: { instanceCount: 0 } });

    // Act
    const result = await runCli(["run", "--local", "--input", input, "--out", join(root, "invalid")]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: failed at ValidateConfig: ConfigValidationError: .*instanceCount/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // The caught failure reads as a failure only: ✗, then the failure branch, never a ✓ for the step.
    expect(result.stderr).toMatch(
      /✗ ValidateConfig: ConfigValidationError[^\n]*\n[^\n]*→ ValidationFailed\n.*\n[^\n]*→ RecordFailure/,
    );
    expect(result.stderr).not.toContain("✓ ValidateConfig");
  });

  it("rejects a run.json path that does not exist with one clear line", async () => {
    // Prepare
    const missing = join(root, "missing.json");

    // Act
    const result = await runCli(["run", "--local", "--input", missing]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: --input ${missing}: cannot read the file (ENOENT)\n`);
  });

  it("rejects a local dataset path that does not exist, naming the field", async () => {
    // Prepare
    const input = await runJson("nodata.json", { dataset: { uri: "no-such.csv", s3DataType: "S3Prefix" } });

    // Act
    const result = await runCli(["run", "--local", "--input", input]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: \$\.dataset\.uri: local path "no-such\.csv" does not exist/);
  });

  it("stops the execution on Ctrl-C, as the CLI context reports it, and exits 1", async () => {
    // Prepare: Ctrl-C arrives as soon as the command listens for it.
    let stdout = "";
    let stderr = "";
    let listening = false;
    const io = {
      stdout: (text: string) => (stdout += text),
      stderr: (text: string) => (stderr += text),
      onInterrupt: (handler: () => void) => {
        listening = true;
        handler();
        return () => {
          listening = false;
        };
      },
    };

    // Act
    const code = await main(
      ["run", "--local", "--input", join(FIXTURE, "run.json"), "--out", join(root, "ctrl-c")],
      io,
    );

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain("interrupted: stopping the execution and its processing job");
    expect(stderr).toContain("aborted: the run was aborted");
    expect(listening).toBe(false);
    expect(stdout).toBe("");
  });

  it("points AWS runs to start when --local is missing", async () => {
    // Prepare
    const args = ["run", "--input", join(FIXTURE, "run.json")];

    // Act
    const result = await runCli(args);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("needs --local");
    expect(result.stderr).toContain("clarify-pipeline start");
  });
});

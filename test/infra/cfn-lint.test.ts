import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesizePipeline } from "./synth-pipeline.ts";

/**
 * Rules not enforced, and why:
 * - W3005 (DependsOn already enforced by a GetAtt): CDK adds an explicit DependsOn from each
 *   function and the state machine to its role on top of the GetAtt; redundant, not wrong.
 */
const IGNORED_RULES = ["W3005"];

interface CfnLintFinding {
  readonly Level: string;
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: readonly (string | number)[] };
}

describe("cfn-lint", () => {
  let workDir: string;
  let templatePath: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), "clarify-cfn-lint-"));
    templatePath = join(workDir, "ClarifyPipelineStack.template.json");
    writeFileSync(templatePath, JSON.stringify(synthesizePipeline().template.toJSON(), null, 2));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it("finds no error or warning in the synthesized template", () => {
    // Prepare
    const args = ["--format", "json", "--ignore-checks", ...IGNORED_RULES, "--", templatePath];

    // Act
    const run = spawnSync("cfn-lint", args, { encoding: "utf8", timeout: 120_000 });
    const findings = JSON.parse(run.stdout || "[]") as CfnLintFinding[];

    // Assess
    expect(run.error).toBeUndefined();
    expect(
      findings.map(
        (finding) =>
          `${finding.Level} ${finding.Rule.Id} ${finding.Location.Path.join("/")}: ${finding.Message}`,
      ),
    ).toEqual([]);
    expect(run.status).toBe(0);
  });

  it("does report a broken template, so a clean run means something", () => {
    // Prepare
    const brokenPath = join(workDir, "broken.template.json");
    writeFileSync(
      brokenPath,
      JSON.stringify({
        Resources: { Fn: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs0.x" } } },
      }),
    );

    // Act
    const run = spawnSync("cfn-lint", ["--format", "json", "--", brokenPath], {
      encoding: "utf8",
      timeout: 120_000,
    });
    const findings = JSON.parse(run.stdout || "[]") as CfnLintFinding[];

    // Assess
    expect(findings.some((finding) => finding.Level === "Error")).toBe(true);
    expect(run.status).not.toBe(0);
  });
});

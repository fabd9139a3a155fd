/** A completed analysis that breaches a gate: BiasGateFailed names the metric, facet, value and threshold. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../bin/cli/main.ts";
import { expectNoJobInProgress, type ScenarioWorkspace, scenarioWorkspace } from "../support/scenario.ts";

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("faults-gate");
});
afterAll(async () => {
  await workspace.close();
});

// CI passes on the fixture; DPL breaks a threshold no real value can meet.
const GATES = { gates: { CI: { absMax: 0.5 }, DPL: { absMax: 0.000001 } } };
const DPL_BREACH =
  /DPL for Sex=0 \(pre-training\) = (-?[\d.e-]+): \|value\| [\d.e-]+ exceeds absMax 0\.000001/;

describe("a breached bias gate", () => {
  it("ends in BiasGateFailed with the offending metric, facet, value and threshold in the cause and summary", async () => {
    // Prepare
    const input = GATES;

    // Act
    const report = await workspace.run(input);

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("BiasGateFailed");
    expect(report.verdict).toBe("bias-gate-failed");
    expect(report.execution.cause).toMatch(DPL_BREACH);
    expect(report.execution.cause).toMatch(/^1 of 2 gated metric values breach their gate, worst first: /);
    // The cause rounds the value for reading (4 significant digits); summary.json keeps it exact.
    const shown = Number(DPL_BREACH.exec(report.execution.cause ?? "")?.[1]);
    const value = (report.summary as { breaches: { value: number }[] }).breaches[0]?.value as number;
    expect(shown).toBe(Number(value.toPrecision(4)));
    expect(report.summary).toMatchObject({
      status: "BiasGateFailed",
      breaches: [
        {
          metric: "DPL",
          stage: "pre_training",
          facet: "Sex",
          facetValue: "0",
          value,
          gate: { absMax: 0.000001 },
          message: expect.stringMatching(DPL_BREACH),
        },
      ],
    });
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Completed"]);
    expectNoJobInProgress(report);
  });

  it("makes `clarify-pipeline run --local` exit 2 with the breach on stderr", async () => {
    // Prepare
    const input = await workspace.writeRunJson("gate-cli.json", GATES);
    let stderr = "";

    // Act
    const code = await main(["run", "--local", "--input", input, "--out", join(workspace.root, "gate-cli")], {
      stdout: () => {},
      stderr: (text) => {
        stderr += text;
      },
    });

    // Assess
    expect(code).toBe(2);
    expect(stderr).toMatch(DPL_BREACH);
    expect(stderr).toContain("bias gate failed");
    expect(stderr).not.toContain("still in progress");
    expect(
      JSON.parse(await readFile(join(workspace.root, "gate-cli", "summary.json"), "utf8")),
    ).toMatchObject({
      status: "BiasGateFailed",
      breaches: [{ metric: "DPL", facet: "Sex", facetValue: "0", gate: { absMax: 0.000001 } }],
      job: { ProcessingJobStatus: "Completed" },
    });
  });
});

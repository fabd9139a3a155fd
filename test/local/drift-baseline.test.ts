/**
 * Drift gates end to end: two local runs of one runName, the second on data with more bias,
 * through the real definition, collect-results and the runs folder as the history.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../bin/cli/main.ts";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "drift-baseline-test-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const CONFIG = {
  version: "1.0",
  dataset_type: "text/csv",
  label: "approved",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
  methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
};

/**
 * 1,000 rows, 400 of them F; `approvedF` of the F rows and 300 of the 600 M rows have the
 * positive label, so DPL = 0.5 − approvedF / 400.
 */
function dataset(approvedF: number): string {
  const rows = ["sex,approved"];
  for (let i = 0; i < 400; i++) rows.push(`F,${i < approvedF ? 1 : 0}`);
  for (let i = 0; i < 600; i++) rows.push(`M,${i < 300 ? 1 : 0}`);
  return `${rows.join("\n")}\n`;
}

async function runOnce(
  name: string,
  approvedF: number,
  run: Record<string, unknown>,
): Promise<{ code: number; stderr: string; summary: Record<string, unknown> }> {
  await writeFile(join(root, `${name}.csv`), dataset(approvedF));
  await writeFile(join(root, "analysis_config.json"), JSON.stringify(CONFIG));
  const input = join(root, `${name}.run.json`);
  await writeFile(
    input,
    JSON.stringify({
      analysisConfigUri: "analysis_config.json",
      dataset: { uri: `${name}.csv` },
      ...run,
    }),
  );
  let stderr = "";
  const out = join(root, "clarify-runs", name);
  const code = await main(["run", "--local", "--input", input, "--out", out], {
    stdout: () => undefined,
    stderr: (text) => {
      stderr += text;
    },
  });
  const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as Record<string, unknown>;
  return { code, stderr, summary };
}

describe("a drift gate against the latest passed run", () => {
  it("passes the first run, fails a more biased second one naming the drift, which plain gates pass", async () => {
    // Prepare: DPL 0.5 − 200/400 = 0 first, then 0.5 − 120/400 = 0.2
    const gated = {
      runName: "credit-drift",
      baseline: { latest: "passed" },
      gates: { DPL: { absMax: 0.3, maxDrift: 0.05 } },
    };

    // Act
    const first = await runOnce("first", 200, gated);
    const second = await runOnce("second", 120, gated);
    const plain = await runOnce("plain", 120, { runName: "credit-drift", gates: { DPL: { absMax: 0.3 } } });

    // Assess: the first run has nothing to drift from yet
    expect(first.code).toBe(0);
    expect(first.summary).toMatchObject({
      status: "Succeeded",
      baseline: { latest: "passed", found: false },
      gates: [{ metric: "DPL", passed: true, driftNote: expect.stringContaining("no earlier run") }],
    });
    // the second is compared with the first and fails on drift alone
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      "DPL for sex=F (pre-training) = 0.2 vs baseline 0: drifted 0.2 further from the ideal 0, above maxDrift 0.05",
    );
    expect(second.summary).toMatchObject({
      status: "BiasGateFailed",
      baseline: {
        latest: "passed",
        found: true,
        runId: expect.stringMatching(/^credit-drift-/),
        analysisUri: expect.stringMatching(/\/output\/analysis\.json$/),
      },
      breaches: [{ metric: "DPL", value: 0.2, baseline: 0, drift: 0.2, breached: ["maxDrift"] }],
    });
    const evaluation = (second.summary.gates as { interval: { low: number; high: number } }[])[0];
    // summary.json carries the value's bootstrap interval, which holds the value
    expect(evaluation?.interval.low).toBeLessThan(0.2);
    expect(evaluation?.interval.high).toBeGreaterThan(0.2);
    // the run's report shows the baseline beside the value, the interval and the trend so far
    const report = await readFile(join(root, "clarify-runs", "second", "report.html"), "utf8");
    expect(report).toContain('<span class="m-extra-label">baseline</span> <span title="run credit-drift-');
    expect(report).toMatch(/drift \+0\.2 \(further from the ideal\)/);
    expect(report).toMatch(
      /<svg class="trend"[^>]*aria-label="DPL over the last 2 runs, oldest first: 0 \(\d{4}-\d\d-\d\d\), 0\.2 \(this run\); ideal 0"/,
    );
    expect(report).toContain('class="interval"');
    // without a baseline the same data passes its absolute gate
    expect(plain.code).toBe(0);
    expect(plain.summary).toMatchObject({ status: "Succeeded", breaches: [] });
    expect(plain.summary).not.toHaveProperty("baseline");
  });

  it("compares with a named analysis.json given as a local path", async () => {
    // Prepare: a baseline analysis where DPL was 0.19 for sex=F
    const baselinePath = join(root, "approved-analysis.json");
    await writeFile(
      baselinePath,
      JSON.stringify({
        version: "1.0",
        pre_training_bias_metrics: {
          label: "approved",
          label_value_or_threshold: "1",
          facets: { sex: [{ value_or_threshold: "F", metrics: [{ name: "DPL", value: 0.19 }] }] },
        },
      }),
    );

    // Act
    const result = await runOnce("named", 120, {
      runName: "credit-named",
      baseline: { analysisUri: "approved-analysis.json" },
      gates: { DPL: { maxDrift: 0 }, CI: { maxDrift: 0 } },
    });

    // Assess: DPL drifted by 0.01 > 0; the baseline has no CI, so that gate fails too (an
    // unverifiable gate is listed first)
    expect(result.code).toBe(2);
    expect((result.summary.breaches as { metric: string; message: string }[]).map((b) => b.metric)).toEqual([
      "CI",
      "DPL",
    ]);
    expect((result.summary.breaches as { message: string }[])[0]?.message).toMatch(
      /the baseline s3:\/\/local-inputs\/.*approved-analysis\.json has no CI for sex=F, so maxDrift cannot be checked/,
    );
  });
});

describe("a confidence gate on the engine's intervals", () => {
  it("passes a borderline value whose interval reaches the allowed range, which the plain gate fails", async () => {
    // Prepare: DPL = 0.5 − 150/400 = 0.125 over absMax 0.1; on 1,000 rows its 95 % interval is about ±0.06
    const run = (gate: Record<string, unknown>) => ({ runName: "credit-borderline", gates: { DPL: gate } });

    // Act
    const plain = await runOnce("borderline-plain", 150, run({ absMax: 0.1 }));
    const confident = await runOnce("borderline-confident", 150, run({ absMax: 0.1, confidence: 0.95 }));

    // Assess
    expect(plain.code).toBe(2);
    expect(confident.code).toBe(0);
    const [evaluation] = confident.summary.gates as {
      value: number;
      passed: boolean;
      interval: { confidence: number; low: number; high: number };
    }[];
    expect(evaluation?.value).toBeCloseTo(0.125, 12);
    expect(evaluation?.interval.confidence).toBe(0.95);
    expect(evaluation?.interval.low).toBeLessThan(0.1);
    expect(evaluation?.interval.high).toBeGreaterThan(0.125);
  });
});

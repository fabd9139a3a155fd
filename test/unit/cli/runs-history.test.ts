import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../support/run-cli.ts";

let root: string;

/** A run folder as run --local copies it: summary.json and output/analysis.json. */
async function runFolder(
  name: string,
  summary: Record<string, unknown>,
  facets?: Record<string, { value: string; di: number | null }[]>,
): Promise<void> {
  const folder = join(root, "runs", name);
  await mkdir(join(folder, "output"), { recursive: true });
  await writeFile(join(folder, "summary.json"), JSON.stringify(summary));
  if (facets) {
    await writeFile(
      join(folder, "output", "analysis.json"),
      JSON.stringify({
        version: "1.0",
        post_training_bias_metrics: {
          label: "approved",
          facets: Object.fromEntries(
            Object.entries(facets).map(([facet, values]) => [
              facet,
              values.map((v) => ({ value_or_threshold: v.value, metrics: [{ name: "DI", value: v.di }] })),
            ]),
          ),
        },
      }),
    );
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "history-command-"));
  const execution = (startTime: string) => ({ name: "x", id: "arn", startTime });
  await runFolder(
    "credit-a",
    {
      status: "Succeeded",
      runId: "credit-a",
      runName: "credit",
      execution: execution("2026-11-01T06:00:00.000Z"),
    },
    { sex: [{ value: "F", di: 0.912345 }] },
  );
  await runFolder(
    "credit-c",
    {
      status: "BiasGateFailed",
      runId: "credit-c",
      runName: "credit",
      execution: execution("2026-11-03T06:00:00.000Z"),
    },
    { sex: [{ value: "F", di: 0.7 }], age: [{ value: "(40, 90]", di: null }] },
  );
  await runFolder("credit-b", {
    status: "Failed",
    runId: "credit-b",
    runName: "credit",
    execution: execution("2026-11-02T06:00:00.000Z"),
  });
  await runFolder(
    "churn-a",
    {
      status: "Succeeded",
      runId: "churn-a",
      runName: "churn",
      execution: execution("2026-11-04T06:00:00.000Z"),
    },
    { sex: [{ value: "F", di: 1 }] },
  );
  // A run still in progress has no summary.json yet: it is not listed.
  await mkdir(join(root, "runs", "credit-d", "output"), { recursive: true });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("clarify-pipeline history on a local runs folder", () => {
  it("lists one line per run, newest first: when, name, verdict", async () => {
    // Act
    const result = await runCli(["history", "--runs", join(root, "runs")]);
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "2026-11-04T06:00:00Z  churn   passed",
        "2026-11-03T06:00:00Z  credit  gate-failed",
        "2026-11-02T06:00:00Z  credit  failed",
        "2026-11-01T06:00:00Z  credit  passed",
        "",
      ].join("\n"),
    );
  });

  it("shows the chosen metric for every facet value, only for one run name", async () => {
    // Act
    const result = await runCli([
      "history",
      "--runs",
      join(root, "runs"),
      "--run-name",
      "credit",
      "--metric",
      "DI",
    ]);
    // Assess
    expect(result.stdout.split("\n")).toEqual([
      "2026-11-03T06:00:00Z  credit  gate-failed  DI sex=F 0.7, DI age=(40, 90] null",
      "2026-11-02T06:00:00Z  credit  failed       DI -",
      "2026-11-01T06:00:00Z  credit  passed       DI sex=F 0.9123",
      "",
    ]);
  });

  it("shows only the newest runs with --limit", async () => {
    // Act
    const result = await runCli([
      "history",
      "--runs",
      join(root, "runs"),
      "--run-name",
      "credit",
      "--limit",
      "2",
    ]);
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")).toEqual([
      "2026-11-03T06:00:00Z  credit  gate-failed",
      "2026-11-02T06:00:00Z  credit  failed",
      "",
    ]);
  });

  it("prints JSON for machines", async () => {
    // Act
    const result = await runCli(["history", "--runs", join(root, "runs"), "--metric", "DI", "--json"]);
    // Assess
    const rows = JSON.parse(result.stdout);
    expect(rows.map((r: { runId: string }) => r.runId)).toEqual([
      "churn-a",
      "credit-c",
      "credit-b",
      "credit-a",
    ]);
    expect(rows[3]).toEqual({
      runId: "credit-a",
      runName: "credit",
      startTime: "2026-11-01T06:00:00.000Z",
      status: "Succeeded",
      verdict: "passed",
      location: join(root, "runs", "credit-a"),
      metrics: [{ metric: "DI", stage: "post_training", facet: "sex", facetValue: "F", value: 0.912345 }],
    });
  });

  it.each([
    [["--runs", "/no/such/folder"], "error: --runs /no/such/folder: cannot read the folder (ENOENT)\n"],
    [["--metric", "XX"], "error: --metric XX is not a Clarify bias metric code"],
    [["--limit", "0"], "error: --limit 0 must be a whole number of at least 1\n"],
    [["--limit", "2.5"], "error: --limit 2.5 must be a whole number of at least 1\n"],
    [["--output-uri", "https://bucket/runs/"], "error: --output-uri https://bucket/runs/ is not an S3 URI"],
    [
      ["--runs", "x", "--output-uri", "s3://bucket/runs/"],
      "error: give either --runs (a local folder) or --output-uri (S3), not both\n",
    ],
  ])("refuses %j in one line", async (args, message) => {
    // Act
    const result = await runCli(["history", ...args]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.startsWith(message)).toBe(true);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

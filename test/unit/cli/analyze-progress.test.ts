/** `clarify-pipeline analyze --progress-seconds`: the count pass's progress lines on stderr. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../support/run-cli.ts";

const CONFIG = {
  dataset_type: "text/csv",
  label: "approved",
  label_values_or_threshold: ["yes"],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
  methods: { pre_training_bias: { methods: ["CI"] } },
};

/** About 2.5 MB of CSV and its config, in a fresh folder. */
function inputs(): { folder: string; args: string[] } {
  const folder = mkdtempSync(join(tmpdir(), "analyze-progress-"));
  const rows = Array.from({ length: 80_000 }, (_, i) => `row ${i} of many,${i % 2 ? "F" : "M"},yes\n`);
  writeFileSync(join(folder, "rows.csv"), `note,sex,approved\n${rows.join("")}`);
  writeFileSync(join(folder, "config.json"), JSON.stringify(CONFIG));
  return {
    folder,
    args: [
      "analyze",
      "--dataset",
      join(folder, "rows.csv"),
      "--config",
      join(folder, "config.json"),
      "--out",
      join(folder, "out"),
      "--threads",
      "1",
      "--no-intervals",
    ],
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("analyze's progress lines", () => {
  it("writes progress to stderr before the summary with --progress-seconds 0, over the environment's", async () => {
    // Prepare
    vi.stubEnv("CLARIFY_PIPELINE_PROGRESS_SECONDS", "3600");
    const { args } = inputs();

    // Act
    const result = await runCli([...args, "--progress-seconds", "0"]);

    // Assess
    expect(result.code).toBe(0);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.slice(0, -1).every((line) => line.startsWith("counting rows: "))).toBe(true);
    expect(lines.at(-2)).toMatch(/^counting rows: (\S+ \S+) of \1 read \(100 %\), \d+ s$/);
    expect(lines.at(-1)).toBe("analysed 80000 rows");
  });

  it("prints only the summary with the default interval", async () => {
    // Prepare
    const { args } = inputs();

    // Act
    const result = await runCli(args);

    // Assess
    expect(result).toMatchObject({ code: 0, stderr: "analysed 80000 rows\n" });
  });

  it("refuses a --progress-seconds that is not a whole number, naming the flag", async () => {
    // Prepare
    const { args } = inputs();

    // Act
    const result = await runCli([...args, "--progress-seconds", "-1"]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--progress-seconds -1 must be a whole number of seconds, 0 or more");
  });
});

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Runs bin/app.ts as `cdk synth` would, with the given context. */
function synthApp(context: Record<string, unknown>) {
  return spawnSync(join(ROOT, "node_modules/.bin/node"), [join(ROOT, "bin/app.ts")], {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify(context),
      CDK_OUTDIR: mkdtempSync(join(tmpdir(), "app-")),
    },
    timeout: 60_000,
  });
}

describe("bin/app.ts -c dailyRun", () => {
  it("ends with one line naming an unreadable run.json, without a stack trace", () => {
    // Prepare
    const missing = join(tmpdir(), "clarify-no-such-run.json");
    // Act
    const run = synthApp({ dailyRun: missing });
    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: -c dailyRun=${missing}: cannot read a run.json from it (ENOENT: no such file or directory, open '${missing}')\n`,
    );
  });

  it("refuses a run.json that is not a JSON object", () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), "app-run-")), "run.json");
    writeFileSync(path, "[1]");
    // Act
    const run = synthApp({ dailyRun: path });
    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: -c dailyRun=${path}: a run.json must hold a JSON object\n`);
  });
});

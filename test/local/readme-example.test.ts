/**
 * The run.json the README shows under "The run input (run.json)" works as written with
 * `run --local`, beside the example's files, and is the bundled example's own run.json.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../bin/cli/main.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const EXAMPLE = join(REPO, "examples", "credit");
const HEADING = "## The run input (run.json)";

/** The first ```json block after `heading` in `markdown`. */
function firstJsonBlockAfter(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "${heading}" section`);
  const block = /```json\n([\s\S]*?)```/.exec(markdown.slice(start));
  if (!block?.[1]) throw new Error(`the "${heading}" section has no json block`);
  return block[1];
}

let workspace: string;
beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "readme-example-"));
});
afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("the README's run.json example", () => {
  it("is examples/credit/run.json", async () => {
    // Prepare
    const readme = await readFile(join(REPO, "README.md"), "utf8");
    // Act
    const shown: unknown = JSON.parse(firstJsonBlockAfter(readme, HEADING));
    // Assess
    expect(shown).toEqual(JSON.parse(await readFile(join(EXAMPLE, "run.json"), "utf8")));
  });

  it("runs as written with run --local, beside the example's files", async () => {
    // Prepare
    const readme = await readFile(join(REPO, "README.md"), "utf8");
    await writeFile(join(workspace, "run.json"), firstJsonBlockAfter(readme, HEADING));
    for (const file of ["analysis_config.json", "credit.csv"])
      await copyFile(join(EXAMPLE, file), join(workspace, file));
    let stderr = "";

    // Act
    const code = await main(
      ["run", "--local", "--input", join(workspace, "run.json"), "--out", join(workspace, "out")],
      { stdout: () => undefined, stderr: (text) => (stderr += text) },
    );

    // Assess
    expect(stderr).toContain("succeeded: every bias gate passed");
    expect(code).toBe(0);
  });
});

/**
 * The bad-input corpus: every `test/fixtures/invalid/<case>.run.json` breaks exactly one
 * rule, and `<case>.expected.txt` holds the exact `<json-path>: <message>` line(s) that
 * `clarify-pipeline validate` must print for it. Lines of the expected file that start
 * with `# args:` add command-line arguments (such as `--allowed-buckets`); other `#` lines
 * are comments. To add a case, drop in the two files.
 *
 * The valid edge cases (`test/fixtures/valid/edge-*.run.json`) sit right at a limit and
 * must pass, with and without the allowed-bucket guard.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../../bin/cli/main.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures");
const INVALID = join(FIXTURES, "invalid");
const VALID = join(FIXTURES, "valid");
const ALLOWED_BUCKETS = ["--allowed-buckets", "clarify-data,clarify-artifacts"];

interface Expectation {
  readonly args: readonly string[];
  readonly lines: readonly string[];
}

function readExpectation(name: string): Expectation {
  const text = readFileSync(join(INVALID, `${name}.expected.txt`), "utf8");
  const args: string[] = [];
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("# args:")) args.push(...line.slice("# args:".length).trim().split(/\s+/));
    else if (line !== "" && !line.startsWith("#")) lines.push(line);
  }
  return { args, lines };
}

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

const names = (folder: string, suffix: string) =>
  readdirSync(folder)
    .filter((file) => file.endsWith(suffix))
    .map((file) => file.slice(0, -suffix.length))
    .sort();

const invalidCases = names(INVALID, ".run.json");
const validEdgeCases = names(VALID, ".run.json").filter((name) => name.startsWith("edge-"));

describe("the bad-input corpus (test/fixtures/invalid)", () => {
  it("pairs every run.json with an expected.txt, and holds at least 40 cases", () => {
    // Prepare
    const expectedFiles = names(INVALID, ".expected.txt");
    // Act
    const unpaired = [
      ...invalidCases.filter((name) => !expectedFiles.includes(name)),
      ...expectedFiles.filter((name) => !invalidCases.includes(name)),
    ];
    // Assess
    expect(unpaired).toEqual([]);
    expect(invalidCases.length).toBeGreaterThanOrEqual(40);
  });

  it("covers both input forms", () => {
    // Prepare
    const forms = invalidCases.map((name) => {
      const input: unknown = JSON.parse(readFileSync(join(INVALID, `${name}.run.json`), "utf8"));
      return typeof input === "object" && input !== null && "processingJobRequest" in input
        ? "request"
        : "run";
    });
    // Act
    const requests = forms.filter((form) => form === "request").length;
    // Assess
    expect(requests).toBeGreaterThanOrEqual(20);
    expect(forms.length - requests).toBeGreaterThanOrEqual(20);
  });

  it.each(invalidCases)("%s: exit 1 with exactly the expected problem lines", async (name) => {
    // Prepare
    const expected = readExpectation(name);
    const { io, stdout, stderr } = captureIo();
    // Act
    const code = await main(["validate", "--input", join(INVALID, `${name}.run.json`), ...expected.args], io);
    // Assess
    expect(stderr().split("\n").filter(Boolean)).toEqual(expected.lines);
    expect(expected.lines.length).toBeGreaterThan(0);
    expect(stdout()).toBe("");
    expect(code).toBe(1);
  });
});

describe("valid edge cases (test/fixtures/valid/edge-*)", () => {
  it("finds the edge cases", () => {
    // Prepare / Act
    const count = validEdgeCases.length;
    // Assess
    expect(count).toBeGreaterThanOrEqual(6);
  });

  it.each(validEdgeCases)("%s: valid, with and without --allowed-buckets", async (name) => {
    // Prepare
    const input = join(VALID, `${name}.run.json`);
    const plain = captureIo();
    const guarded = captureIo();
    // Act
    const plainCode = await main(["validate", "--input", input], plain.io);
    const guardedCode = await main(["validate", "--input", input, ...ALLOWED_BUCKETS], guarded.io);
    // Assess
    expect(plain.stderr()).toBe("");
    expect(guarded.stderr()).toBe("");
    expect([plain.stdout(), guarded.stdout()]).toEqual(["valid\n", "valid\n"]);
    expect([plainCode, guardedCode]).toEqual([0, 0]);
  });
});

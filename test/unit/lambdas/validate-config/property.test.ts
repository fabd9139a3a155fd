import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../../bin/cli/main.ts";
import { ConfigValidationError } from "../../../../lambdas/shared/errors.ts";
import { validateRunInputOffline } from "../../../../lambdas/validate-config/offline.ts";
import { validateConfig } from "../../../../lambdas/validate-config/validate-config.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import { requestInput, runInput, SETTINGS } from "./fixtures.ts";

const EXECUTION = {
  name: "exec-1",
  id: "arn:aws:states:us-east-1:123456789012:execution:sm:exec-1",
  startTime: "2026-01-01T00:00:00Z",
};

let server: EmbeddedS3;
let s3: S3Client;
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "validate-config-property-"));
  // The buckets exist but hold nothing: any input that passes the static rules meets empty S3.
  server = await startEmbeddedS3({ directory, buckets: ["clarify-data", "clarify-artifacts"] });
  s3 = server.createClient();
});

afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

/** Valid inputs with one field replaced by arbitrary JSON, so the fuzzing reaches every rule. */
function mutated(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    paths.push(path);
    if (value && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
    }
  };
  walk(base, []);
  return fc
    .tuple(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.jsonValue())
    .map(([path, value]) => {
      const copy = structuredClone(base) as Record<string, unknown>;
      let parent: Record<string, unknown> = copy;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
      parent[path.at(-1) as string] = value;
      return copy;
    });
}

async function outcome(input: unknown): Promise<"valid" | "invalid"> {
  try {
    await validateConfig({ input, execution: EXECUTION }, { s3, settings: SETTINGS });
    return "valid";
  } catch (error) {
    if (error instanceof ConfigValidationError && error.problems.length > 0) return "invalid";
    throw error;
  }
}

describe("validateConfig on arbitrary input", () => {
  it("never throws anything but ConfigValidationError, whatever JSON it gets", async () => {
    // Prepare
    const inputs = fc.oneof(fc.jsonValue(), mutated(runInput()), mutated(requestInput()));
    // Act
    const run = fc.assert(
      fc.asyncProperty(inputs, async (input) => {
        await outcome(input);
      }),
      { numRuns: 300 },
    );
    // Assess
    await expect(run).resolves.toBeUndefined();
  });
});

/** Arbitrary JSON, and valid inputs of both forms with one field replaced by arbitrary JSON. */
const anyInput = () => fc.oneof(fc.jsonValue(), mutated(runInput()), mutated(requestInput()));

describe("validateRunInputOffline on arbitrary input", () => {
  it("never throws; every problem is a <json-path>: <message> pair", async () => {
    // Prepare
    const property = fc.asyncProperty(anyInput(), fc.boolean(), async (input, enforceAllowedBuckets) => {
      // Act
      const problems = await validateRunInputOffline(input, SETTINGS, {
        baseDir: directory,
        enforceAllowedBuckets,
      });
      // Assess
      for (const problem of problems) {
        expect(problem.path).toMatch(/^\$/);
        expect(problem.message).not.toBe("");
      }
    });
    // Act / Assess
    await expect(fc.assert(property, { numRuns: 200 })).resolves.toBeUndefined();
  });
});

describe("clarify-pipeline validate on arbitrary files", () => {
  it("exits 0 or 1, prints a verdict, and never shows a stack trace", async () => {
    // Prepare: a JSON value, or text that may not be JSON at all.
    const files = fc.oneof(
      anyInput().map((input) => JSON.stringify(input) ?? "null"),
      fc.string({ maxLength: 200, unit: "binary" }),
    );
    let runs = 0;
    const property = fc.asyncProperty(files, async (text) => {
      const path = join(directory, `cli-${runs++}.json`);
      await writeFile(path, text);
      const out: string[] = [];
      const err: string[] = [];
      const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) };
      // Act
      const code = await main(["validate", "--input", path], io);
      // Assess
      const stderr = err.join("");
      expect([0, 1]).toContain(code);
      expect(out.join("")).toBe(code === 0 ? "valid\n" : "");
      expect(stderr).not.toMatch(/\n\s+at /);
      if (code === 1) {
        const lines = stderr.split("\n").filter(Boolean);
        expect(lines.length).toBeGreaterThan(0);
        // One line per problem: a path from the root, then the message.
        for (const line of lines) expect(line).toMatch(/^\$.*: ./);
      }
    });
    // Act / Assess
    await expect(fc.assert(property, { numRuns: 200 })).resolves.toBeUndefined();
  });
});

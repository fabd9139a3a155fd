import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigValidationError } from "../../../../lambdas/shared/errors.ts";
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

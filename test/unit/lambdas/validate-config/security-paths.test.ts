/**
 * Hostile names cannot move a run's files out of its folder: the run folder validate-config
 * derives (runId, runUri), the job name and snapshot keys stage-inputs derives, and the
 * failure record's location collect-results derives, whatever the run name, the execution
 * name, the manifest keys or the raw execution state hold.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseS3Uri } from "../../../../contracts/s3-uri.ts";
import { failureRunUri } from "../../../../lambdas/collect-results/failure-location.ts";
import { PROCESSING_JOB_NAME_PATTERN } from "../../../../lambdas/shared/processing-job-api.ts";
import { processingJobName } from "../../../../lambdas/stage-inputs/job-name.ts";
import { parseManifest } from "../../../../lambdas/stage-inputs/snapshot.ts";
import { normalizeRun } from "../../../../lambdas/validate-config/normalize.ts";
import { runStaticRules } from "../../../../lambdas/validate-config/static-rules.ts";
import { CONTEXT, runInput, SETTINGS } from "./fixtures.ts";

/** Names an attacker would try: traversal, absolute paths, encodings, separators, look-alikes. */
const HOSTILE_NAMES = [
  "..",
  ".",
  "...",
  "../../etc",
  "../escape",
  "a/../../b",
  "/absolute",
  "//double",
  "%2e%2e",
  "%2e%2e%2f",
  "%252e%252e",
  "..\\..\\windows",
  "a\\b",
  "．．", // fullwidth full stops
  "\u2024\u2024", // one dot leaders
  "․․/x",
  "run\u0000name",
  "line\nbreak",
  "\u202egnp.exe", // right-to-left override
  "e\u0301", // combining accent
  "🙂",
  "x".repeat(300),
  "",
];
const hostileName = fc.oneof(
  fc.constantFrom(...HOSTILE_NAMES),
  fc.string({ maxLength: 120, unit: "binary" }),
  fc
    .array(fc.constantFrom("..", ".", "/", "\\", "%2e", "a", "-", "_"), { maxLength: 12 })
    .map((parts) => parts.join("")),
);

/** A run folder URI directly under `prefixUri`, whose one extra segment is a plain name. */
function expectDirectlyUnder(runUri: string, prefixUri: string): void {
  expect(runUri.startsWith(prefixUri)).toBe(true);
  const segment = runUri.slice(prefixUri.length);
  expect(segment).toMatch(/^[A-Za-z0-9._-]+\/$/);
  expect([".", ".."]).not.toContain(segment.slice(0, -1));
}

describe("validate-config: the run folder (runId, runUri)", () => {
  it("rejects every hostile runName before a folder is derived from it", () => {
    // Prepare
    const inputs = HOSTILE_NAMES.map((runName) => ({ ...runInput(), runName }));
    // Act
    const rejected = inputs.filter((input) =>
      runStaticRules(input, CONTEXT).problems.list.some((p) => p.path === "$.runName"),
    );
    // Assess
    expect(rejected.map((input) => input.runName)).toEqual(HOSTILE_NAMES);
  });

  it("keeps the folder one plain segment under outputUri whatever the execution name", () => {
    // Prepare
    const { draft } = runStaticRules(runInput(), CONTEXT);
    const runWithoutName = runStaticRules({ ...runInput(), runName: undefined }, CONTEXT).draft;
    if (!draft || !runWithoutName) throw new Error("the fixture must be readable");
    const property = fc.property(hostileName, (executionName) => {
      // Act
      const named = normalizeRun(draft, SETTINGS, executionName);
      const unnamed = normalizeRun(runWithoutName, SETTINGS, executionName);
      // Assess
      for (const run of [named, unnamed]) {
        expectDirectlyUnder(run.runUri, "s3://clarify-artifacts/clarify-runs/");
        expect(run.runUri).toBe(`s3://clarify-artifacts/clarify-runs/${run.runId}/`);
      }
    });
    // Act / Assess
    expect(() => fc.assert(property, { numRuns: 200 })).not.toThrow();
  });

  it("never names the folder '.' or '..' for an execution named with dots alone", () => {
    // Prepare
    const draft = runStaticRules({ ...runInput(), runName: undefined }, CONTEXT).draft;
    if (!draft) throw new Error("the fixture must be readable");
    // Act
    const runIds = ["..", ".", "..."].map((name) => normalizeRun(draft, SETTINGS, name).runId);
    // Assess
    expect(runIds).toEqual(["unnamed-execution", "unnamed-execution", "unnamed-execution"]);
  });
});

describe("stage-inputs: the job name and the snapshot keys", () => {
  it("always renders a valid ProcessingJobName with the deployment's prefix", () => {
    // Prepare
    const property = fc.property(hostileName, fc.string({ maxLength: 100 }), (runName, executionId) => {
      // Act
      const name = processingJobName("clarify-", runName, executionId);
      // Assess
      expect(name.startsWith("clarify-")).toBe(true);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(PROCESSING_JOB_NAME_PATTERN);
    });
    // Act / Assess
    expect(() => fc.assert(property, { numRuns: 200 })).not.toThrow();
  });

  it.each([["../outside.csv"], ["a/../../outside.csv"], ["/absolute.csv"], ["data/.."], [""]])(
    "refuses a manifest key that could climb out of its prefix: %j",
    (key) => {
      // Prepare
      const manifest = JSON.stringify([{ prefix: "s3://clarify-data/credit/" }, "part-0.csv", key]);
      // Act
      const parse = () => parseManifest("s3://clarify-data/credit/train.manifest", manifest);
      // Assess
      expect(parse).toThrow(/element 2/);
    },
  );

  it("keeps S3-literal oddities (encoded dots, backslashes) as plain keys under the prefix", () => {
    // Prepare: S3 does not decode or split on these, so they cannot navigate.
    const keys = ["%2e%2e/part.csv", "..\\..\\part.csv", "．．/part.csv"];
    const manifest = JSON.stringify([{ prefix: "s3://clarify-data/credit/" }, ...keys]);
    // Act
    const parsed = parseManifest("s3://clarify-data/credit/train.manifest", manifest);
    // Assess
    expect(parsed).toEqual({ prefix: "s3://clarify-data/credit/", keys });
  });
});

describe("collect-results: where a failure record goes", () => {
  const execution = (name: string) => ({
    name,
    id: `arn:aws:states:us-east-1:123456789012:execution:clarify-pipeline:${name}`,
    startTime: "2026-01-01T00:00:00Z",
  });
  const validationFailure = { ValidateConfig: { Error: "ConfigValidationError", Cause: "{}" } };

  it("stays one plain segment under an allowed prefix whatever the raw input names", () => {
    // Prepare
    const outputUri = fc.oneof(
      fc.constantFrom(
        "s3://clarify-artifacts/clarify-runs/team-a/",
        "s3://clarify-artifacts/runs/",
        "s3://clarify-artifacts/clarify-runs/../../",
        "s3://clarify-artifacts//etc/",
        "s3://someone-elses-bucket/runs/",
        "s3://clarify-artifacts/./",
        "file:///etc/",
      ),
      hostileName,
    );
    const property = fc.property(hostileName, hostileName, outputUri, (runName, executionName, output) => {
      const state = { failure: validationFailure };
      // Act
      const runUri = failureRunUri(state, { runName, outputUri: output }, execution(executionName), SETTINGS);
      // Assess
      expect(runUri).toBeDefined();
      const location = parseS3Uri(runUri as string);
      expect(SETTINGS.allowedBuckets).toContain(location?.bucket);
      const segments = (location?.key ?? "").split("/");
      expect(segments.filter((s) => s === "." || s === "..")).toEqual([]);
      expect(segments.at(-1)).toBe("");
      expect(segments.at(-2)?.length).toBeLessThanOrEqual(2 * 128 + 1);
      // Only a prefix below the deployment's output prefix is used: nothing else is writable.
      const prefix =
        output === "s3://clarify-artifacts/clarify-runs/team-a/"
          ? output
          : "s3://clarify-artifacts/clarify-runs/";
      expectDirectlyUnder(runUri as string, prefix);
    });
    // Act / Assess
    expect(() => fc.assert(property, { numRuns: 200 })).not.toThrow();
  });

  it("ignores a run folder forged in the raw input when ValidateConfig failed", () => {
    // Prepare: the input carries a `run` naming another run's folder; validation rejects it.
    const state = {
      run: { runUri: "s3://clarify-artifacts/clarify-runs/someone-elses-run-exec-1/" },
      failure: validationFailure,
    };
    // Act
    const runUri = failureRunUri(state, { runName: "mine" }, execution("exec-2"), SETTINGS);
    // Assess
    expect(runUri).toBe("s3://clarify-artifacts/clarify-runs/mine-exec-2/");
  });

  it("uses the validated run folder once ValidateConfig succeeded", () => {
    // Prepare
    const state = {
      run: { runUri: "s3://clarify-artifacts/clarify-runs/team-a/mine-exec-2/" },
      failure: { StageInputs: { Error: "StagingError", Cause: "{}" } },
    };
    // Act
    const runUri = failureRunUri(state, { runName: "mine" }, execution("exec-2"), SETTINGS);
    // Assess
    expect(runUri).toBe("s3://clarify-artifacts/clarify-runs/team-a/mine-exec-2/");
  });

  it.each([
    ["s3://clarify-artifacts/clarify-runs/../other-run/"],
    ["s3://clarify-artifacts/clarify-runs/./"],
    ["s3://clarify-artifacts//clarify-runs/"],
    ["s3://clarify-artifacts/runs/mine/"],
    ["s3://clarify-data/clarify-runs/mine/"],
    ["s3://someone-elses-bucket/clarify-runs/mine/"],
  ])("never trusts a run folder that navigates or leaves the deployment's output prefix: %s", (forged) => {
    // Prepare
    const state = { run: { runUri: forged }, failure: { StageInputs: { Error: "E" } } };
    // Act
    const runUri = failureRunUri(state, { runName: "mine" }, execution("exec-3"), SETTINGS);
    // Assess
    expect(runUri).toBe("s3://clarify-artifacts/clarify-runs/mine-exec-3/");
  });
});

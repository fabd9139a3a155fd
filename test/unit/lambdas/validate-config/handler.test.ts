import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigValidationError } from "../../../../lambdas/shared/errors.ts";
import { SETTINGS_ENV } from "../../../../lambdas/shared/settings.ts";
import { handler } from "../../../../lambdas/validate-config/index.ts";
import { runInput, SETTINGS } from "./fixtures.ts";

const EXECUTION = {
  name: "exec-7",
  id: "arn:aws:states:us-east-1:123456789012:execution:sm:exec-7",
  startTime: "2026-01-01T00:00:00Z",
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("validate-config handler", () => {
  it("reads its settings from the environment and rethrows ConfigValidationError for the state machine", async () => {
    // Prepare: static problems are found before any S3 call, so no server is needed.
    vi.stubEnv(SETTINGS_ENV.region, SETTINGS.region);
    vi.stubEnv(SETTINGS_ENV.defaultOutputUri, SETTINGS.defaultOutputUri);
    vi.stubEnv(SETTINGS_ENV.allowedBuckets, "clarify-data, clarify-artifacts");
    vi.stubEnv(SETTINGS_ENV.defaultRoleArn, SETTINGS.defaultRoleArn);
    vi.stubEnv(SETTINGS_ENV.clarifyImageUri, SETTINGS.clarifyImageUri);
    const input = { ...runInput(), outputUri: "s3://elsewhere-bucket/runs/" };
    // Act
    const error = await handler({ input, execution: EXECUTION }).catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.message).toBe(
      '$.outputUri: bucket "elsewhere-bucket" is not allowed for this deployment (allowed: clarify-data, clarify-artifacts); ask the deployer to add it',
    );
  });
});

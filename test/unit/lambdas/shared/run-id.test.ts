import { describe, expect, it } from "vitest";
import { runIdFor } from "../../../../lambdas/shared/run-id.ts";

describe("runIdFor", () => {
  it("joins the run name and the execution name", () => {
    // Prepare / Act
    const runId = runIdFor("credit-model", "local-20261125T040347-49b6");
    // Assess
    expect(runId).toBe("credit-model-local-20261125T040347-49b6");
  });

  it("does not repeat a run name the execution name already starts with", () => {
    // Prepare / Act
    const runId = runIdFor("credit-model", "credit-model-20261125T040347-00ff");
    // Assess
    expect(runId).toBe("credit-model-20261125T040347-00ff");
  });

  it("uses the execution name alone when there is no run name", () => {
    // Prepare / Act
    const runId = runIdFor(undefined, "nightly-3f2a");
    // Assess
    expect(runId).toBe("nightly-3f2a");
  });

  it("keeps only safe characters and never climbs out of the prefix", () => {
    // Prepare / Act
    const runId = runIdFor("../../etc/passwd", "exec/..\\0001");
    // Assess
    expect(runId).toBe("etc-passwd-exec-.-0001");
    expect(runId).not.toContain("/");
    expect(runId).not.toContain("..");
  });
});

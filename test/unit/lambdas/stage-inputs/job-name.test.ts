import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_PROCESSING_JOB_NAME_LENGTH,
  PROCESSING_JOB_NAME_PATTERN,
} from "../../../../lambdas/shared/processing-job-api.ts";
import { processingJobName } from "../../../../lambdas/stage-inputs/job-name.ts";

const EXECUTION_ID = "arn:aws:states:us-east-1:123456789012:execution:clarify-pipeline:exec-0001";

describe("processingJobName", () => {
  it("joins the prefix, the run name and a hash of the execution", () => {
    // Prepare
    const runName = "credit-model-v7";

    // Act
    const name = processingJobName("clarify-", runName, EXECUTION_ID);

    // Assess
    expect(name).toMatch(/^clarify-credit-model-v7-[0-9a-f]{10}$/);
  });

  it("is deterministic for one execution and differs between executions", () => {
    // Prepare
    const otherExecution = `${EXECUTION_ID}-retry`;

    // Act
    const first = processingJobName("clarify-", "run", EXECUTION_ID);
    const again = processingJobName("clarify-", "run", EXECUTION_ID);
    const other = processingJobName("clarify-", "run", otherExecution);

    // Assess
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it("truncates a long run name to fill exactly 63 characters", () => {
    // Prepare
    const runName = "a".repeat(100);

    // Act
    const name = processingJobName("clarify-", runName, EXECUTION_ID);

    // Assess
    expect(name).toHaveLength(MAX_PROCESSING_JOB_NAME_LENGTH);
    expect(name).toMatch(PROCESSING_JOB_NAME_PATTERN);
  });

  it("drops a hyphen that truncation would leave before the hash", () => {
    // Prepare: the 44 characters left for the run name end with its hyphen.
    const runName = `${"a".repeat(43)}-${"b".repeat(40)}`;

    // Act
    const name = processingJobName("clarify-", runName, EXECUTION_ID);

    // Assess
    expect(name).toMatch(/^clarify-a{43}-[0-9a-f]{10}$/);
    expect(name).not.toContain("--");
  });

  it("replaces characters SageMaker rejects and keeps only the hash when nothing is left", () => {
    // Prepare
    const odd = "  Crédit_model v7 / test.2025!  ";
    const nothingUsable = "___ ... ///";

    // Act
    const sanitized = processingJobName("clarify-", odd, EXECUTION_ID);
    const hashOnly = processingJobName("clarify-", nothingUsable, EXECUTION_ID);

    // Assess
    expect(sanitized).toMatch(/^clarify-Cr-dit-model-v7-test-2025-[0-9a-f]{10}$/);
    expect(hashOnly).toMatch(/^clarify-[0-9a-f]{10}$/);
  });

  it("rejects a prefix that leaves no room for the hash", () => {
    // Prepare
    const prefix = "p".repeat(60);

    // Act
    const act = () => processingJobName(prefix, "run", EXECUTION_ID);

    // Assess
    expect(act).toThrow(/job name prefix "p+" is too long: at most 52 characters/);
  });

  it("always yields a valid name for any run name and execution", () => {
    // Prepare
    const property = fc.property(
      fc.string({ maxLength: 200 }),
      fc.string({ minLength: 1 }),
      (runName, id) => {
        // Act
        const name = processingJobName("clarify-", runName, id);

        // Assess
        return name.length <= MAX_PROCESSING_JOB_NAME_LENGTH && PROCESSING_JOB_NAME_PATTERN.test(name);
      },
    );

    // Assess
    fc.assert(property, { numRuns: 500 });
  });
});

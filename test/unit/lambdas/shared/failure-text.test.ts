import { describe, expect, it } from "vitest";
import { ConfigValidationError } from "../../../../lambdas/shared/errors.ts";
import {
  boundFunctionError,
  CAUSE_LIMIT,
  cutText,
  FUNCTION_ERROR_CAUSE_LIMIT,
  functionErrorCause,
  withBoundedErrors,
} from "../../../../lambdas/shared/failure-text.ts";

/**
 * A ConfigValidationError whose Cause, as the runtime reports it, is `length` or `length - 1`
 * characters: each character of its message counts twice (errorMessage and the trace's first line).
 */
function validationErrorWithCause(length: number): ConfigValidationError {
  const overhead = functionErrorCause(new ConfigValidationError([{ path: "$.runName", message: "" }])).length;
  const padding = "x".repeat(Math.floor((length - overhead) / 2));
  return new ConfigValidationError([{ path: "$.runName", message: padding }]);
}

describe("cutText", () => {
  it("keeps a text of exactly the limit as it is", () => {
    // Prepare
    const text = "a".repeat(CAUSE_LIMIT);

    // Act
    const cut = cutText(text, CAUSE_LIMIT);

    // Assess
    expect(cut).toBe(text);
  });

  it("keeps the beginning of a text one character over the limit and says how long it was", () => {
    // Prepare
    const text = `job failed: ${"b".repeat(CAUSE_LIMIT)}`.slice(0, CAUSE_LIMIT + 1);

    // Act
    const cut = cutText(text, CAUSE_LIMIT);

    // Assess
    expect(cut.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(cut.startsWith("job failed: bbb")).toBe(true);
    const [, kept] = /\n\[cut: the first (\d+) of 32769 characters are shown\]$/.exec(cut) ?? [];
    expect(Number(kept)).toBeGreaterThan(CAUSE_LIMIT - 100);
    expect(cut.startsWith(text.slice(0, Number(kept)))).toBe(true);
  });

  it("drops whole lines of a list rather than half of one", () => {
    // Prepare: 100 problems of 50 characters each, one a line.
    const lines = Array.from(
      { length: 100 },
      (_, i) => `$.gates.M${String(i).padStart(3, "0")}: ${"z".repeat(38)}`,
    );
    const text = lines.join("\n");

    // Act
    const cut = cutText(text, 2_000);

    // Assess
    const [shown, note] = cut.split("\n[cut: ");
    expect(shown?.split("\n").every((line) => lines.includes(line))).toBe(true);
    expect(note).toMatch(new RegExp(`^the first \\d+ of ${text.length} characters are shown\\]$`));
    expect(cut.length).toBeLessThanOrEqual(2_000);
  });

  it("never splits a character outside the Basic Multilingual Plane", () => {
    // Prepare: every character is a surrogate pair, so an odd cut would leave half of one.
    const text = "😀".repeat(1_000);

    // Act
    const cut = cutText(text, 1_001);

    // Assess
    expect(cut.length).toBeLessThanOrEqual(1_001);
    const shown = cut.split("\n[cut: ")[0] ?? "";
    expect(shown.length % 2).toBe(0);
    expect(shown).toBe("😀".repeat(shown.length / 2));
  });
});

describe("boundFunctionError", () => {
  it("leaves an error whose Cause fits as it is", () => {
    // Prepare
    const error = validationErrorWithCause(FUNCTION_ERROR_CAUSE_LIMIT);
    const before = { message: error.message, stack: error.stack };

    // Act
    const bounded = boundFunctionError(error);

    // Assess
    expect(functionErrorCause(error).length).toBeLessThanOrEqual(FUNCTION_ERROR_CAUSE_LIMIT);
    expect(functionErrorCause(error).length).toBeGreaterThanOrEqual(FUNCTION_ERROR_CAUSE_LIMIT - 1);
    expect(bounded).toBe(error);
    expect({ message: bounded.message, stack: bounded.stack }).toEqual(before);
  });

  it("first drops the trace's copy of a message whose Cause is just over the limit", async () => {
    // Prepare
    const error = validationErrorWithCause(FUNCTION_ERROR_CAUSE_LIMIT + 2);
    expect(functionErrorCause(error).length).toBeGreaterThan(FUNCTION_ERROR_CAUSE_LIMIT);
    const original = error.message;

    // Act
    const bounded = boundFunctionError(error);

    // Assess
    expect(functionErrorCause(bounded).length).toBeLessThanOrEqual(FUNCTION_ERROR_CAUSE_LIMIT);
    expect(bounded).toBeInstanceOf(ConfigValidationError);
    expect(bounded.name).toBe("ConfigValidationError");
    expect(bounded.message).toBe(original);
    const [header, ...frames] = bounded.stack?.split("\n") ?? [];
    expect(header).toMatch(/^ConfigValidationError: \$\.runName: x+ …$/);
    expect(header?.length).toBeLessThan(300);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((line) => line.startsWith("    at "))).toBe(true);
  });

  it("fits a message of many problems whose quotes and backslashes JSON escapes", () => {
    // Prepare: 3,000 problems, each quoting a value full of characters JSON escapes.
    const problems = Array.from({ length: 3_000 }, (_, i) => ({
      path: `$.gates["M\\"${i}"]`,
      message: `"M\\"${i}\t" is not a Clarify bias metric code`,
    }));
    const error = new ConfigValidationError(problems);

    // Act
    const bounded = boundFunctionError(error);

    // Assess
    expect(bounded).toBeInstanceOf(ConfigValidationError);
    expect(bounded.name).toBe("ConfigValidationError");
    const cause = functionErrorCause(bounded);
    expect(cause.length).toBeLessThanOrEqual(FUNCTION_ERROR_CAUSE_LIMIT);
    expect(cause.length).toBeGreaterThan(FUNCTION_ERROR_CAUSE_LIMIT * 0.9);
    expect(
      bounded.message.startsWith(`$.gates["M\\"0"]: "M\\"0\t" is not a Clarify bias metric code\n`),
    ).toBe(true);
    expect(bounded.message).toMatch(/\n\[cut: the first \d+ of \d{6} characters are shown\]$/);
  });

  it("passes anything that is not an Error through", () => {
    // Act
    const bounded = boundFunctionError("x".repeat(FUNCTION_ERROR_CAUSE_LIMIT * 2));

    // Assess
    expect(bounded).toHaveLength(FUNCTION_ERROR_CAUSE_LIMIT * 2);
  });
});

describe("withBoundedErrors", () => {
  it("rethrows the function's error, cut, and returns its result untouched", async () => {
    // Prepare
    const failing = withBoundedErrors(async (size: number) => {
      throw new ConfigValidationError([{ path: "$.job", message: "y".repeat(size) }]);
    });
    const working = withBoundedErrors(async (size: number) => "r".repeat(size));

    // Act
    const error = await failing(100_000).catch((thrown: unknown) => thrown);
    const result = await working(100_000);

    // Assess
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(functionErrorCause(error as Error).length).toBeLessThanOrEqual(FUNCTION_ERROR_CAUSE_LIMIT);
    expect(result).toHaveLength(100_000);
  });
});

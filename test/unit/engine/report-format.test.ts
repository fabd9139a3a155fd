import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCount } from "../../../engine/report/format.ts";

describe("formatCount", () => {
  it("writes counts with thousands separators", () => {
    // Prepare
    const counts = [0, 7, 999, 1000, 48_842, 1_000_000, -1234];
    // Act
    const written = counts.map(formatCount);
    // Assess
    expect(written).toEqual(["0", "7", "999", "1,000", "48,842", "1,000,000", "-1,234"]);
  });

  it("writes every safe integer as toLocaleString('en-US') does", () => {
    // Prepare
    const integers = fc.oneof(
      fc.integer(),
      fc.maxSafeInteger(),
      fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER),
    );
    // Act / Assess
    fc.assert(fc.property(integers, (n) => formatCount(n) === n.toLocaleString("en-US")));
  });

  it("leaves fractions and huge numbers to toLocaleString", () => {
    // Prepare
    const others = [1234.5, 2 ** 60, Number.POSITIVE_INFINITY];
    // Act
    const written = others.map(formatCount);
    // Assess
    expect(written).toEqual(others.map((n) => n.toLocaleString("en-US")));
  });
});

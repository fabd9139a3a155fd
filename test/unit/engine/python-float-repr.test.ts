import { describe, expect, it } from "vitest";
import { pythonFloatRepr } from "../../../engine/aggregate/python-float-repr.ts";

/** [value, Python's repr(float(value))], as CPython 3 writes each. */
const FLOAT64: readonly (readonly [number, string])[] = [
  [3, "3.0"],
  [40, "40.0"],
  [0.1, "0.1"],
  [-2.5, "-2.5"],
  [123.456, "123.456"],
  [0.0001, "0.0001"],
  [0.00001, "1e-05"],
  [0.000123, "0.000123"],
  [0.0000123, "1.23e-05"],
  [1e-7, "1e-07"],
  [-1.5e-7, "-1.5e-07"],
  [9999999999999998, "9999999999999998.0"],
  [1e16, "1e+16"],
  [1.5e16, "1.5e+16"],
  [1e22, "1e+22"],
  [-1e100, "-1e+100"],
  [5e-324, "5e-324"],
  [1.7976931348623157e308, "1.7976931348623157e+308"],
  [0.30000000000000004, "0.30000000000000004"],
  [0, "0.0"],
  [-0, "-0.0"],
  [Number.POSITIVE_INFINITY, "inf"],
  [Number.NEGATIVE_INFINITY, "-inf"],
  [Number.NaN, "nan"],
];

/**
 * [float32 value, its text]: the shortest digits that read back as the same float32, as numpy 2
 * chooses them (`str(np.float32(value))` for each of these), in a Python float's notation.
 */
const FLOAT32: readonly (readonly [number, string])[] = [
  [Math.fround(0.1), "0.1"],
  [Math.fround(1 / 3), "0.33333334"],
  [Math.fround(123456.7), "123456.7"],
  [Math.fround(1e-5), "1e-05"],
  [Math.fround(3.4e38), "3.4e+38"],
  [Math.fround(-2.5), "-2.5"],
];

describe("pythonFloatRepr", () => {
  it("writes a float64 as Python's repr does", () => {
    // Act
    const texts = FLOAT64.map(([value]) => pythonFloatRepr(value));
    // Assess
    expect(texts).toEqual(FLOAT64.map(([, text]) => text));
  });

  it("writes a float32 with the shortest digits of the float32, as numpy does", () => {
    // Act
    const texts = FLOAT32.map(([value]) => pythonFloatRepr(value, "float32"));
    // Assess
    expect(texts).toEqual(FLOAT32.map(([, text]) => text));
    expect(pythonFloatRepr(Math.fround(0.1))).toBe("0.10000000149011612");
  });
});

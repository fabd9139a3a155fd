import { describe, expect, it } from "vitest";
import { featureTableOf } from "../../../support/feature-table.ts";

describe("a text column's categories", () => {
  it("keep each number's own text, whether it comes before or after the first text cell", () => {
    // Act
    const before = featureTableOf("x,c,y\n1,1.0,0\n2,01,1\n3, 5 ,0\n4,red,1\n5,1.0,0\n6,7,1\n");
    const after = featureTableOf("x,c,y\n4,red,1\n1,1.0,0\n2,01,1\n3, 5 ,0\n5,1.0,0\n6,7,1\n");
    // Assess
    expect(before.categories[1]).toEqual(["1.0", "01", "5", "red", "7"]);
    expect(after.categories[1]).toEqual(["red", "1.0", "01", "5", "7"]);
    expect(Array.from(before.values.filter((_, i) => i % 2 === 1))).toEqual([0, 1, 2, 3, 0, 4]);
  });

  it("leaves a column of numbers alone as numbers, whatever their text", () => {
    // Act
    const numbers = featureTableOf("x,c,y\n1,1.0,0\n2,01,1\n");
    // Assess
    expect(numbers.categories[1]).toBeUndefined();
    expect(Array.from(numbers.values)).toEqual([1, 1, 2, 1]);
  });

  it("reads cells as pandas' CSV reader does: hexadecimal IDs are categories, inf is a number", () => {
    // Act
    const read = featureTableOf("x,c,y\n-INF,0x1F,0\ninf,0x2A,1\n2.5,0x1F,0\n");
    // Assess
    expect(read.categories[0]).toBeUndefined();
    expect(read.categories[1]).toEqual(["0x1F", "0x2A"]);
    expect(Array.from(read.values)).toEqual([
      Number.NEGATIVE_INFINITY,
      0,
      Number.POSITIVE_INFINITY,
      1,
      2.5,
      0,
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { GlobalShap } from "../../../../engine/explain/global-shap.ts";

/** Feeds `rows` (one value per cell each) to a GlobalShap. */
function fed(
  method: "mean_abs" | "mean_sq" | "median",
  rows: readonly (readonly number[])[],
  expected?: number,
) {
  const global = new GlobalShap(rows[0]?.length ?? 1, method, expected);
  for (const row of rows) global.addRow((c) => row[c] as number);
  return global;
}

describe("the global SHAP values", () => {
  it("take the median of an odd count as its middle value, of an even count as the mean of the two middle ones", () => {
    // Act
    const odd = fed("median", [[3], [-1], [7], [0.5], [2]]);
    const even = fed("median", [[3], [-1], [7], [0.5]]);
    // Assess
    expect(odd.value(0)).toBe(2);
    expect(even.value(0)).toBe((0.5 + 3) / 2);
  });

  it("hold exactly the rows announced for median, and grow by doubling past them or without", () => {
    // Prepare
    const rows = Array.from({ length: 3000 }, (_, r) => [r, -r]);
    // Act
    const announced = fed("median", rows, 3000);
    const grown = fed("median", rows);
    const beyond = fed("median", rows, 2000);
    // Assess: 2 cells × 8 bytes per row, and the 2 sums
    expect(announced.heldBytes).toBe(3000 * 2 * 8 + 2 * 8);
    expect(grown.heldBytes).toBe(4096 * 2 * 8 + 2 * 8);
    expect(beyond.heldBytes).toBe(4000 * 2 * 8 + 2 * 8);
    expect([announced.value(1), grown.value(1), beyond.value(1)]).toEqual([-1499.5, -1499.5, -1499.5]);
  });

  it("sum |φ| for mean_abs and φ² for mean_sq, holding one sum per cell", () => {
    // Act
    const abs = fed("mean_abs", [[-2], [4]], 2);
    const sq = fed("mean_sq", [[-2], [4]], 2);
    // Assess
    expect([abs.value(0), sq.value(0)]).toEqual([3, 10]);
    expect(abs.heldBytes).toBe(8);
  });
});

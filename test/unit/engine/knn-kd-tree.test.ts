import { describe, expect, it } from "vitest";
import { bruteForceNearest } from "../../../engine/metrics/knn/brute-force.ts";
import { KdTree } from "../../../engine/metrics/knn/kd-tree.ts";
import { seededRandom } from "../../../engine/seeded-random.ts";

/** `rows` points; `levels` > 0 snaps each coordinate to one of `levels` integers (many ties). */
function randomPoints(random: () => number, rows: number, dimensions: number, levels: number): Float64Array {
  const points = new Float64Array(rows * dimensions);
  for (let i = 0; i < points.length; i++) {
    points[i] = levels > 0 ? Math.floor(random() * levels) : random() * 200 - 100;
  }
  return points;
}

describe("KdTree.nearest", () => {
  const cases = [
    { dimensions: 1, k: 1, levels: 0 },
    { dimensions: 1, k: 5, levels: 6 },
    { dimensions: 2, k: 3, levels: 0 },
    { dimensions: 2, k: 5, levels: 4 },
    { dimensions: 3, k: 7, levels: 3 },
    { dimensions: 5, k: 5, levels: 0 },
    { dimensions: 8, k: 5, levels: 0 },
    { dimensions: 8, k: 20, levels: 2 },
  ];

  for (const { dimensions, k, levels } of cases) {
    const kind = levels > 0 ? `${levels}-level grid (duplicates and ties)` : "continuous";
    it(`returns exactly the brute-force neighbours: ${dimensions}-D, k=${k}, ${kind}`, () => {
      // Prepare
      const random = seededRandom(1000 * dimensions + 10 * k + levels);
      const points = randomPoints(random, 700, dimensions, levels);
      const queries = randomPoints(random, 150, dimensions, levels);
      const tree = KdTree.build(points, dimensions, { leafSize: 4 });
      // Act
      const found: Int32Array[] = [];
      for (let q = 0; q < 150; q++) found.push(tree.nearest(queries, k, q * dimensions));
      // Assess
      for (let q = 0; q < 150; q++) {
        expect(Array.from(found[q] ?? [])).toEqual(
          Array.from(bruteForceNearest(points, dimensions, queries, k, q * dimensions)),
        );
      }
    });
  }

  it("ranks points at equal distance by ascending row index", () => {
    // Prepare: rows 0..3 all at distance 1 from the origin, row 4 a duplicate of row 1
    const points = Float64Array.from([1, 0, 0, 1, -1, 0, 0, -1, 0, 1]);
    const tree = KdTree.build(points, 2, { leafSize: 1 });
    // Act
    const nearest = tree.nearest([0, 0], 3);
    // Assess
    expect(Array.from(nearest)).toEqual([0, 1, 2]);
  });

  it("handles a cloud of identical points and returns every row when k exceeds the size", () => {
    // Prepare
    const points = new Float64Array(3 * 50).fill(7);
    const tree = KdTree.build(points, 3, { leafSize: 2 });
    // Act
    const nearest = tree.nearest([0, 0, 0], 60);
    // Assess
    expect(tree.size).toBe(50);
    expect(Array.from(nearest)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("rejects zero dimensions and a value count that is not a multiple of the dimensions", () => {
    // Prepare
    const points = Float64Array.from([1, 2, 3]);
    // Act
    const zero = () => KdTree.build(points, 0);
    const ragged = () => KdTree.build(points, 2);
    // Assess
    expect(zero).toThrow("dimensions must be a positive integer, got 0");
    expect(ragged).toThrow("points holds 3 values, not a multiple of dimensions (2)");
  });
});

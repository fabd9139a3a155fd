import { describe, expect, it } from "vitest";
import { NeighbourHeap } from "../../../engine/metrics/knn/neighbour-heap.ts";
import { argpartition } from "../../../engine/metrics/knn/numpy-argpartition.ts";
import { SklearnKdTree } from "../../../engine/metrics/knn/sklearn-kd-tree.ts";
import { sklearnAlgorithm, sklearnNeighbourSearch } from "../../../engine/metrics/knn/sklearn-neighbours.ts";
import { seededRandom } from "../../../engine/seeded-random.ts";

const sorted = (rows: Int32Array) => Array.from(rows).sort((a, b) => a - b);

describe("NeighbourHeap", () => {
  it("evicts whichever tied maximum the heap's layout puts at the root, not the latest row", () => {
    // Prepare: five rows at distance 2, then two at distance 1; traced through heap_push, the
    // root holds row 4, then row 2 (an earliest-rows rule would evict rows 3 and 4)
    const heap = new NeighbourHeap(5);
    // Act
    [2, 2, 2, 2, 2, 1, 1].forEach((distance, row) => {
      heap.push(distance, row);
    });
    // Assess
    expect(sorted(heap.rows)).toEqual([0, 1, 3, 5, 6]);
    expect(heap.largest()).toBe(2);
  });

  it("keeps the earlier row when a later one is exactly as far", () => {
    // Prepare
    const heap = new NeighbourHeap(1);
    // Act
    heap.push(4, 0);
    heap.push(4, 1);
    // Assess
    expect(Array.from(heap.rows)).toEqual([0]);
  });
});

describe("argpartition", () => {
  // Expected: np.argpartition(np.array(values), kth) with NumPy 1.24.
  const cases = [
    { values: [2, 1, 1, 2, 0, 1, 2, 1, 0, 2, 1], kth: 4, numpy: [4, 5, 8, 7, 10, 1, 6, 3, 2, 9, 0] },
    { values: [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], kth: 4, numpy: [6, 4, 8, 7, 0, 5, 1, 3, 2, 9] },
    { values: [5, 1, 4, 1, 3, 1, 2, 1, 1, 0, 1, 1], kth: 4, numpy: [9, 10, 7, 5, 8, 11, 6, 1, 4, 3, 2, 0] },
  ];
  for (const { values, kth, numpy } of cases) {
    it(`returns NumPy's order for [${values.join(", ")}] at kth=${kth}`, () => {
      // Act
      const order = argpartition(Float64Array.from(values), kth);
      // Assess
      expect(Array.from(order)).toEqual(numpy);
    });
  }

  it("takes the first minimum for kth 0 (NumPy's quadratic scan)", () => {
    // Act
    const order = argpartition(Float64Array.from([2, 0, 1, 0]), 0);
    // Assess
    expect(order[0]).toBe(1);
  });
});

describe("sklearnAlgorithm", () => {
  it("picks brute force as scikit-learn's 'auto' does: over 15 features or k >= n // 2", () => {
    // Act / Assess
    expect(sklearnAlgorithm(11, 3, 5)).toBe("brute");
    expect(sklearnAlgorithm(12, 3, 5)).toBe("kd_tree");
    expect(sklearnAlgorithm(3, 2, 1)).toBe("brute");
    expect(sklearnAlgorithm(4, 2, 1)).toBe("kd_tree");
    expect(sklearnAlgorithm(10_000, 15, 5)).toBe("kd_tree");
    expect(sklearnAlgorithm(10_000, 16, 5)).toBe("brute");
  });
});

describe("SklearnKdTree", () => {
  for (const dimensions of [1, 2, 5, 8]) {
    it(`finds the k nearest rows of continuous data: ${dimensions}-D, several levels`, () => {
      // Prepare: no two distances tie, so the k nearest rows are one set
      const random = seededRandom(100 + dimensions);
      const points = Float64Array.from({ length: 900 * dimensions }, () => random() * 200 - 100);
      const queries = Float64Array.from({ length: 60 * dimensions }, () => random() * 200 - 100);
      const tree = new SklearnKdTree(points, dimensions);
      // Act
      const found = Array.from({ length: 60 }, (_, q) => sorted(tree.nearest(queries, 7, q * dimensions)));
      // Assess
      found.forEach((rows, q) => {
        const distance = (row: number) => {
          let sum = 0;
          for (let d = 0; d < dimensions; d++) {
            sum += ((points[row * dimensions + d] as number) - (queries[q * dimensions + d] as number)) ** 2;
          }
          return sum;
        };
        const exhaustive = Array.from({ length: 900 }, (_, row) => row)
          .sort((a, b) => distance(a) - distance(b))
          .slice(0, 7)
          .sort((a, b) => a - b);
        expect(rows).toEqual(exhaustive);
      });
    });
  }
});

describe("sklearnNeighbourSearch", () => {
  it("breaks brute-force ties by the heap on float64 and by argpartition on int64", () => {
    // Prepare: 10 rows (k=5 >= 10 // 2: brute force); rows 1..9 all at distance 1 of the query
    const points = Float64Array.from([5, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const query = Float64Array.from([0]);
    // Act
    const float64 = sorted(sklearnNeighbourSearch(points, 1, 5, "float64")(query, 0));
    const int64 = sorted(sklearnNeighbourSearch(points, 1, 5, "int64")(query, 0));
    // Assess: scikit-learn 1.2.1's NearestNeighbors(n_neighbors=5) on this column finds rows
    // 1-5 when it is float64 (the heap keeps the first rows) and rows 4, 6-9 when it is int64
    expect(float64).toEqual([1, 2, 3, 4, 5]);
    expect(int64).toEqual([4, 6, 7, 8, 9]);
  });
});

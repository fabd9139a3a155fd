import { describe, expect, it } from "vitest";
import {
  type FeatureColumnDtype,
  FlipTestInputError,
  featureMatrixDtype,
  flipTest,
  flipTestResult,
} from "../../../engine/metrics/post-training/flip-test.ts";
import { flipTestInputOf, tieHeavyTable } from "../../support/tie-heavy-table.ts";

function group(features: number[], predicted: number[]) {
  return { features: Float64Array.from(features), predicted: Uint8Array.from(predicted) };
}

describe("flipTest", () => {
  it("counts flips on a 1-D table with k=1 (advantaged group of 9 rows or fewer)", () => {
    // Prepare
    // advantaged x = 0 1 2 10 11 12, predicted 1 1 1 0 0 0 → 6 rows ≤ 9, so k = 1
    // disadvantaged:
    //   x=0.4  model 0, nearest 0 (pos)        → model negative, neighbours positive (F−)
    //   x=1.6  model 1, nearest 2 (0.4) (pos)  → agree
    //   x=10.2 model 1, nearest 10 (neg)       → model positive, neighbours negative (F+)
    //   x=11.9 model 0, nearest 12 (neg)       → agree
    //   x=5    model 0, nearest 2 (3 < 5) pos  → F−
    // FT = (F+ − F−) / n_d = (1 − 2) / 5 = −0.2
    const input = {
      advantaged: group([0, 1, 2, 10, 11, 12], [1, 1, 1, 0, 0, 0]),
      disadvantaged: group([0.4, 1.6, 10.2, 11.9, 5], [0, 1, 1, 0, 0]),
      dimensions: 1,
    };
    // Act
    const ft = flipTest(input);
    // Assess
    expect(ft).toBeCloseTo(-0.2, 12);
  });

  it("uses k=5 on a 2-D table once the advantaged group has more than 9 rows", () => {
    // Prepare
    // advantaged: cluster A around (0,0) predicted 1 (5 rows), cluster B around (10,10) predicted 0 (5 rows)
    // 10 rows > 9, so k = 5: a query's 5 neighbours are its own cluster.
    //   (0.2,0.3)   model 0, neighbours A (pos) → F−
    //   (10.4,10.6) model 1, neighbours B (neg) → F+
    //   (9,9)       model 0, neighbours B (neg) → agree
    //   (0.5,0.4)   model 1, neighbours A (pos) → agree
    //   (10,9)      model 1, neighbours B (neg) → F+
    // FT = (2 − 1) / 5 = 0.2
    const input = {
      advantaged: group(
        [0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5, 10, 10, 11, 10, 10, 11, 11, 11, 10.5, 10.5],
        [1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
      ),
      disadvantaged: group([0.2, 0.3, 10.4, 10.6, 9, 9, 0.5, 0.4, 10, 9], [0, 1, 0, 1, 1]),
      dimensions: 2,
    };
    // Act
    const ft = flipTest(input);
    // Assess
    expect(ft).toBeCloseTo(0.2, 12);
  });

  it("takes the majority of k votes and counts an even split as negative", () => {
    // Prepare
    // advantaged: (0,0) pos, (1,0) pos, (0,1) neg, (5,5) neg
    // query (0.2,0.1), model 0, k=3: squared distances .05 (pos), .65 (pos), .85 (neg) → 2 of 3 positive
    //   → neighbours positive, model negative → F−: FT = (0 − 1)/1 = −1
    // query (0.1,0.8), model 1, k=2: (0,1) at .05 (neg), (0,0) at .65 (pos) → 1 of 2, not a majority
    //   → neighbours negative, model positive → F+: FT = (1 − 0)/1 = 1
    const advantaged = group([0, 0, 1, 0, 0, 1, 5, 5], [1, 1, 0, 0]);
    // Act
    const majority = flipTest({ advantaged, disadvantaged: group([0.2, 0.1], [0]), dimensions: 2, k: 3 });
    const evenSplit = flipTest({ advantaged, disadvantaged: group([0.1, 0.8], [1]), dimensions: 2, k: 2 });
    // Assess
    expect(majority).toBe(-1);
    expect(evenSplit).toBe(1);
  });

  it("keeps the earlier of two equidistant advantaged rows, as scikit-learn does on float64", () => {
    // Prepare: x=1 is equidistant from 0 and 2; the earlier advantaged row wins the k=1 slot
    const disadvantaged = group([1], [1]);
    // Act
    // rows [0 → neg, 2 → pos]: neighbour row 0 is negative, model positive → F+ → FT = 1
    const negativeFirst = flipTest({ advantaged: group([0, 2], [0, 1]), disadvantaged, dimensions: 1 });
    // rows [2 → pos, 0 → neg]: neighbour row 0 is positive, model positive → no flip → FT = 0
    const positiveFirst = flipTest({ advantaged: group([2, 0], [1, 0]), disadvantaged, dimensions: 1 });
    // Assess
    expect(negativeFirst).toBe(1);
    expect(positiveFirst).toBe(0);
  });

  describe("equals smclarify's FT on tables full of distance ties", () => {
    // Expected: smclarify's FT (posttraining.FT, scikit-learn 1.2.1, NumPy 1.24, GCC libstdc++)
    // on the same tables as pandas columns of these dtypes; the engine before it reproduced
    // scikit-learn's tree, heap and argpartition got each of them wrong.
    const int = (n: number): FeatureColumnDtype[] => new Array(n).fill("int64");
    const cases: {
      what: string;
      seed: number;
      advantaged: number;
      disadvantaged: number;
      dtypes: FeatureColumnDtype[];
      levels: number;
      smclarify: number;
    }[] = [
      {
        what: "one int64 column, k-d tree of 5 levels",
        seed: 1,
        advantaged: 500,
        disadvantaged: 200,
        dtypes: int(1),
        levels: 12,
        smclarify: 0.07,
      },
      {
        what: "0/1 int64 columns, 10 advantaged rows (brute force, argpartition)",
        seed: 28,
        advantaged: 10,
        disadvantaged: 60,
        dtypes: int(3),
        levels: 2,
        smclarify: 0.05,
      },
      {
        what: "int64 columns, 11 advantaged rows (brute force, argpartition)",
        seed: 25,
        advantaged: 11,
        disadvantaged: 80,
        dtypes: int(4),
        levels: 3,
        smclarify: -0.175,
      },
      {
        what: "bool columns, k-d tree of 7 levels",
        seed: 31,
        advantaged: 3000,
        disadvantaged: 400,
        dtypes: new Array(5).fill("bool"),
        levels: 2,
        smclarify: 0.0875,
      },
      {
        what: "float64 halves, k-d tree",
        seed: 5,
        advantaged: 200,
        disadvantaged: 150,
        dtypes: ["float64", "float64"],
        levels: 5,
        smclarify: 0.02666666666666667,
      },
      {
        what: "bool beside int64 (an object matrix), k-d tree",
        seed: 6,
        advantaged: 60,
        disadvantaged: 80,
        dtypes: ["bool", "int64", "bool", "int64"],
        levels: 3,
        smclarify: -0.0375,
      },
      {
        what: "18 int64 columns (brute force, argpartition)",
        seed: 7,
        advantaged: 300,
        disadvantaged: 100,
        dtypes: int(18),
        levels: 2,
        smclarify: 0.13,
      },
      {
        what: "16 float64 columns (brute force, heap)",
        seed: 9,
        advantaged: 200,
        disadvantaged: 60,
        dtypes: new Array(16).fill("float64"),
        levels: 2,
        smclarify: 0.2833333333333333,
      },
    ];
    for (const { what, seed, advantaged, disadvantaged, dtypes, levels, smclarify } of cases) {
      it(what, () => {
        // Prepare
        const input = flipTestInputOf(tieHeavyTable(seed, advantaged, disadvantaged, dtypes, levels));
        // Act
        const ft = flipTest(input);
        // Assess
        expect(ft).toBe(smclarify);
      });
    }
  });

  it("counts the rows whose tie at the k-th place scikit-learn's threads decide, only where they do", () => {
    // Prepare: 16 columns of 0/1 (brute force), 300 advantaged rows (two of ArgKmin's chunks)
    const dtypes = (dtype: FeatureColumnDtype): FeatureColumnDtype[] => new Array(16).fill(dtype);
    const float64 = flipTestInputOf(tieHeavyTable(11, 300, 100, dtypes("float64"), 3));
    const int64 = flipTestInputOf(tieHeavyTable(11, 300, 100, dtypes("int64"), 3));
    const manyQueries = flipTestInputOf(tieHeavyTable(11, 300, 301, dtypes("float64"), 3));
    // Act
    const threaded = flipTestResult(float64);
    const argpartitioned = flipTestResult(int64);
    const byQueries = flipTestResult(manyQueries);
    // Assess: on float64 with no more queries than rows the threads merge their heaps; int64 uses
    // argpartition, and more queries than rows split the queries, not the rows, among threads
    expect(threaded.threadDependentTies).toBeGreaterThan(0);
    expect(threaded.threadDependentTies).toBeLessThanOrEqual(100);
    expect(argpartitioned.threadDependentTies).toBe(0);
    expect(byQueries.threadDependentTies).toBe(0);
  });

  it("types the feature matrix as NumPy does for the columns' dtypes", () => {
    // Act / Assess
    expect(featureMatrixDtype(["int64", "int64"])).toBe("int64");
    expect(featureMatrixDtype(["bool"])).toBe("bool");
    expect(featureMatrixDtype(["int64", "float64"])).toBe("float64");
    expect(featureMatrixDtype(["bool", "int64"])).toBe("object");
    expect(featureMatrixDtype(["float64", "bool"])).toBe("object");
  });

  describe("rejects what Clarify cannot compute", () => {
    const ok = group([0, 1], [0, 1]);
    const cases: [string, Parameters<typeof flipTest>[0], string][] = [
      [
        "an empty disadvantaged group",
        { advantaged: ok, disadvantaged: group([], []), dimensions: 1 },
        "disadvantaged group (facet set) is empty",
      ],
      [
        "an empty advantaged group",
        { advantaged: group([], []), disadvantaged: ok, dimensions: 1 },
        "advantaged group (negated facet set) is empty",
      ],
      [
        "zero dimensions",
        { advantaged: ok, disadvantaged: ok, dimensions: 0 },
        "dimensions must be a positive integer",
      ],
      [
        "k above the advantaged rows",
        { advantaged: ok, disadvantaged: ok, dimensions: 1, k: 3 },
        "k must be an integer from 1 to the advantaged group's 2 rows, got 3",
      ],
      [
        "a NaN feature",
        { advantaged: group([0, Number.NaN], [0, 1]), disadvantaged: ok, dimensions: 1 },
        "advantaged.features row 1 column 0 is NaN",
      ],
      [
        "a label other than 0/1",
        { advantaged: ok, disadvantaged: group([0, 1], [0, 2]), dimensions: 1 },
        "disadvantaged.predicted[1] is 2",
      ],
      [
        "labels that do not match the rows",
        { advantaged: ok, disadvantaged: group([0, 1], [0]), dimensions: 1 },
        "disadvantaged.predicted has 1 labels for 2 feature rows",
      ],
    ];
    for (const [what, input, message] of cases) {
      it(what, () => {
        // Prepare: input above
        // Act
        const run = () => flipTest(input);
        // Assess
        expect(run).toThrow(FlipTestInputError);
        expect(run).toThrow(message);
      });
    }
  });
});

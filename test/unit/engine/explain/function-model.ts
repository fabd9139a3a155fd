import type { ModelScores, ScoringModel } from "../../../../engine/explain/model/scoring-model.ts";

/** An in-process model: any function of one row's features to its outputs. Counts its calls. */
export function functionModel(
  outputs: number,
  score: (x: Float64Array) => number[],
): ScoringModel & { calls: number; rows: number } {
  const model = {
    description: "function model",
    calls: 0,
    rows: 0,
    async predict(rows: Float64Array, count: number): Promise<ModelScores> {
      model.calls++;
      model.rows += count;
      const F = rows.length / count;
      const values = new Float64Array(count * outputs);
      for (let r = 0; r < count; r++) values.set(score(rows.subarray(r * F, r * F + F)), r * outputs);
      return { values, outputs };
    },
    async close() {},
  };
  return model;
}

/**
 * smclarify casts a continuous predicted label to the label column's dtype before comparing it
 * with the threshold (`_positive_predicted_index` in smclarify/bias/report.py:
 * `predicted_label_data.astype(label_data.dtype)`, then `_continuous_data_idx`). With an
 * integer label and float predictions, pandas' `astype` truncates each prediction toward zero
 * (1.7 is 1, -0.5 is 0), refuses infinite values ("Cannot convert non-finite values (NA or inf)
 * to integer") and, for an unsigned label, negative ones ("Cannot losslessly cast"); a number
 * beyond int64's range becomes its minimum, as numpy's cast does on x86-64, Clarify's instances.
 * Other dtype pairs change no value: integer predictions of a float label stay what they are,
 * and categorical columns are compared as they are.
 *
 * The count pass reads a prediction before the column types are known (at the stream's end),
 * so it compares the number as written; `predictedCast` tells afterwards whether the cast
 * applies and changes a reading, and then the dataset is counted again with the cast
 * (CellReading's `castTo`), as mixed-columns.ts does for text matching.
 */
import type { BiasConfig, ConfigValue } from "../config/analysis-config.ts";
import { EngineInputError } from "../errors.ts";
import { parseNumber } from "../io/parse-number.ts";
import type { CollectedCounts, CountPlan } from "./collect-counts.ts";
import type { ColumnProfile } from "./column-profile.ts";
import { pythonFloatValue } from "./python-float.ts";

/** The integer dtypes a label column can have (Parquet declares the narrower ones). */
export type IntegerDtype = "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64";

const TWO_63 = 2 ** 63;

/** Each integer dtype's values: `[min, end)`, exact as doubles. */
const RANGE: Record<IntegerDtype, { readonly min: number; readonly end: number }> = {
  int8: { min: -(2 ** 7), end: 2 ** 7 },
  int16: { min: -(2 ** 15), end: 2 ** 15 },
  int32: { min: -(2 ** 31), end: 2 ** 31 },
  int64: { min: -TWO_63, end: TWO_63 },
  uint8: { min: 0, end: 2 ** 8 },
  uint16: { min: 0, end: 2 ** 16 },
  uint32: { min: 0, end: 2 ** 32 },
  uint64: { min: 0, end: 2 ** 64 },
};

function isIntegerDtype(dtype: string): dtype is IntegerDtype {
  return Object.hasOwn(RANGE, dtype);
}

/** A prediction whose threshold reading the cast changes. */
export interface CastExample {
  readonly cell: string;
  readonly cast: number;
}

export interface PredictedCast {
  /** The label's dtype the predictions are cast to. */
  readonly dtype: IntegerDtype;
  /** A prediction the cast reads otherwise; absent when the column had too many values to tell. */
  readonly example?: CastExample;
}

/** Why a prediction cannot be cast: pandas refuses it, or numpy's result is not known. */
export type CastRefusal = "non-finite" | "negative" | "out-of-range";

/**
 * A prediction as `astype(dtype)` makes it: truncated toward zero; or why it is refused: pandas
 * refuses an infinite value and a negative one cast to an unsigned dtype; int64 maps a number
 * out of its range to its minimum (numpy on x86-64). numpy's out-of-range result for a
 * narrower dtype depends on how its cast loop was compiled, so such a value is refused rather
 * than guessed. Returns rather than throws so that a caller reading rows allocates nothing
 * (no closure for the cell's text) until it refuses one.
 */
export function castOrRefusal(value: number, dtype: IntegerDtype): number | CastRefusal {
  if (Number.isNaN(value)) return value;
  if (!Number.isFinite(value)) return "non-finite";
  const range = RANGE[dtype];
  if (range.min === 0 && value < 0) return "negative";
  const truncated = Math.trunc(value) + 0;
  const inRange = truncated >= range.min && truncated < range.end;
  if (dtype === "int64") return inRange ? truncated : -TWO_63;
  return inRange ? truncated : "out-of-range";
}

/** The one-line error for a prediction `cell` that `castOrRefusal` refuses, with what to do. */
export function castRefusalError(refusal: CastRefusal, dtype: IntegerDtype, cell: string): EngineInputError {
  const shown = JSON.stringify(cell);
  const range = RANGE[dtype];
  const why =
    refusal === "non-finite"
      ? `pandas cannot cast ${shown} (Cannot convert non-finite values (NA or inf) to integer); give finite predictions`
      : refusal === "negative"
        ? `pandas refuses the negative ${shown} (Cannot losslessly cast from float64 to ${dtype}); write the predicted labels as non-negative numbers, as the label's values are`
        : `${shown} is outside ${dtype}'s range, where numpy's result depends on the platform, so the engine does not guess it; write the predicted labels within ${range.min} to ${BigInt(range.end) - 1n}, as the label's values are`;
  return new EngineInputError(
    `predicted_label: Clarify casts the predicted labels to the label column's ${dtype} before comparing them with the threshold, and ${why}`,
  );
}

/** `castOrRefusal`, throwing its refusal for the cell `cell()` writes. */
export function castPrediction(value: number, dtype: IntegerDtype, cell: () => string): number {
  const cast = castOrRefusal(value, dtype);
  if (typeof cast === "number") return cast;
  throw castRefusalError(cast, dtype, cell());
}

/** The integer dtype pandas gives the label column after `pd.to_numeric`, if it is one. */
export function integerDtypeOf(profile: ColumnProfile): IntegerDtype | undefined {
  const declared = profile.heldDtype;
  if (declared !== undefined && isIntegerDtype(declared)) return declared;
  const evidence = profile.evidence();
  // Text of integers (an `object` column smclarify types continuous) becomes int64 through pd.to_numeric.
  if (evidence.dtype === "int64" || (evidence.dtype === "object" && evidence.castsToInt)) return "int64";
  return undefined;
}

export interface CastColumns {
  readonly labelValues: readonly ConfigValue[];
  /** Set: the predictions are scores compared with it, never cast. */
  readonly probabilityThreshold?: number | undefined;
  readonly label: ColumnProfile;
  readonly predicted?: ColumnProfile | undefined;
}

/**
 * Whether the cast applies to the counted columns and changes some prediction's threshold
 * reading (or may: the column had more values than the count pass keeps); undefined when it
 * changes none, and the first count stands. Throws for a prediction pandas cannot cast. Call
 * after the declared dtypes are set on the profiles (bias-result.ts `declareDtypes`).
 */
export function predictedCast(columns: CastColumns): PredictedCast | undefined {
  const { labelValues, label, predicted } = columns;
  if (!predicted || columns.probabilityThreshold !== undefined || predicted.count === 0) return undefined;
  const threshold = labelValues.length === 1 ? pythonFloatValue(labelValues[0] as ConfigValue) : Number.NaN;
  if (Number.isNaN(threshold) || String(labelValues[0]).trim() === "") return undefined;
  if (label.dataType(labelValues) !== "continuous" || predicted.dataType(labelValues) !== "continuous") {
    return undefined;
  }
  const dtype = integerDtypeOf(label);
  // Only float predictions change: integer ones cast to an integer dtype keep their values.
  if (dtype === undefined || predicted.evidence().dtype !== "float64") return undefined;
  const values = predicted.values;
  let example: CastExample | undefined;
  for (let id = 0; id < values.size; id++) {
    const value = parseNumber(values.pool, values.start(id), values.end(id));
    const cast = castPrediction(value, dtype, () => values.text(id));
    if (example === undefined && cast > threshold !== value > threshold) {
      example = { cell: values.text(id), cast };
    }
  }
  if (example) return { dtype, example };
  // Values beyond the dictionary's capacity are unknown: any of them may read otherwise.
  return values.overflowed ? { dtype } : undefined;
}

/**
 * `predictedCast` of the counted label and predictions as the config reads them (its label
 * values, its probability threshold): what the count pass, the result and the merge ask.
 */
export function predictedCastOf(
  config: Pick<BiasConfig, "labelValuesOrThreshold" | "probabilityThreshold">,
  counts: Pick<CollectedCounts, "label" | "predicted">,
): PredictedCast | undefined {
  return predictedCast({
    labelValues: config.labelValuesOrThreshold,
    probabilityThreshold: config.probabilityThreshold,
    label: counts.label,
    predicted: counts.predicted,
  });
}

/** The plan with the predicted labels cast to the label's dtype before the threshold. */
export function castPlan(plan: CountPlan, cast: PredictedCast): CountPlan {
  return plan.predicted ? { ...plan, predicted: { ...plan.predicted, castTo: cast.dtype } } : plan;
}

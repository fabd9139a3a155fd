/**
 * smclarify casts a continuous predicted label to the label's dtype before the threshold
 * (`predicted_label_data.astype(label_data.dtype)` in `_positive_predicted_index`): float
 * predictions of an integer label are truncated toward zero, as pandas' astype does. These
 * tests pin the cast of one number, the reading of one cell, and when the cast applies.
 */
import { describe, expect, it } from "vitest";
import { ABOVE, CellReading } from "../../../../engine/aggregate/cell-reading.ts";
import { ColumnProfile } from "../../../../engine/aggregate/column-profile.ts";
import { castPrediction, predictedCast } from "../../../../engine/aggregate/predicted-cast.ts";
import { ValueMatcher } from "../../../../engine/aggregate/value-matcher.ts";

/** A profile that observed these cells, in order. */
function profileOf(cells: readonly string[]): ColumnProfile {
  const profile = new ColumnProfile(100_000);
  for (const cell of cells) {
    const bytes = Buffer.from(cell, "latin1");
    profile.observe(bytes, 0, bytes.length);
  }
  return profile;
}

/** 20 integer labels 0..3: 20% distinct values, so smclarify types them continuous. */
const INTEGER_LABELS = Array.from({ length: 20 }, (_, i) => String(i % 4));

describe("castPrediction", () => {
  it("truncates toward zero, as numpy's astype(int64) does", () => {
    // Prepare
    const cell = () => "cell";

    // Act
    const cast = [1.7, 1.2, 0.7, -0.5, -1.5, -2.9, 3, 0].map((value) => castPrediction(value, "int64", cell));

    // Assess
    expect(cast).toEqual([1, 1, 0, 0, -1, -2, 3, 0]);
    expect(Object.is(cast[3], -0)).toBe(false);
  });

  it("maps a number beyond int64's range to its minimum (numpy on x86-64)", () => {
    // Prepare
    const values = [1e20, -1e20, 2 ** 63, -(2 ** 63), 2 ** 62];

    // Act
    const cast = values.map((value) => castPrediction(value, "int64", () => String(value)));

    // Assess
    expect(cast).toEqual([-(2 ** 63), -(2 ** 63), -(2 ** 63), -(2 ** 63), 2 ** 62]);
  });

  it("refuses an infinite prediction with pandas' reason, naming the cell", () => {
    // Act
    const cast = () => castPrediction(Number.POSITIVE_INFINITY, "int64", () => "Infinity");

    // Assess
    expect(cast).toThrow(
      `predicted_label: Clarify casts the predicted labels to the label column's int64 before comparing them with the threshold, and pandas cannot cast "Infinity" (Cannot convert non-finite values (NA or inf) to integer); give finite predictions`,
    );
    expect(cast).toThrow(expect.objectContaining({ name: "EngineInputError" }));
  });

  it("refuses a negative prediction cast to an unsigned label, as pandas does", () => {
    // Act
    const cast = () => castPrediction(-0.5, "uint8", () => "-0.5");

    // Assess
    expect(cast).toThrow(
      `predicted_label: Clarify casts the predicted labels to the label column's uint8 before comparing them with the threshold, and pandas refuses the negative "-0.5" (Cannot losslessly cast from float64 to uint8); write the predicted labels as non-negative numbers, as the label's values are`,
    );
    expect(cast).toThrow(expect.objectContaining({ name: "EngineInputError" }));
  });

  it("truncates within a narrower dtype and refuses a value outside it rather than guess numpy's result", () => {
    // Act
    const inRange = castPrediction(-2147483648.5, "int32", () => "-2147483648.5");
    const outside = () => castPrediction(2147483648.5, "int32", () => "2147483648.5");

    // Assess
    expect(inRange).toBe(-2147483648);
    expect(outside).toThrow(
      `predicted_label: Clarify casts the predicted labels to the label column's int32 before comparing them with the threshold, and "2147483648.5" is outside int32's range, where numpy's result depends on the platform, so the engine does not guess it; write the predicted labels within -2147483648 to 2147483647, as the label's values are`,
    );
  });
});

describe("CellReading with castTo", () => {
  it("compares the cast number with the threshold, on either side of zero", () => {
    // Prepare
    const cells = ["1.5", "2.4", "-0.5", "0.7", "-1.5"];
    const read = (threshold: number, castTo?: "int64") => {
      const profile = new ColumnProfile(100);
      const reading = new CellReading(new ValueMatcher([threshold]), threshold, castTo);
      return cells.map((cell) => {
        const bytes = Buffer.from(cell);
        const id = profile.observe(bytes, 0, bytes.length);
        return (reading.read(profile, id, bytes, 0, bytes.length) & ABOVE) !== 0;
      });
    };

    // Act
    const asFloats = read(1);
    const cast = read(1, "int64");
    // -0.5 becomes 0, which is above -0.3; -1.5 becomes -1, which is not.
    const castBelowZero = read(-0.3, "int64");

    // Assess: trunc(1.5) = 1 is not above 1; trunc(2.4) = 2 is.
    expect(asFloats).toEqual([true, true, false, false, false]);
    expect(cast).toEqual([false, true, false, false, false]);
    expect(castBelowZero).toEqual([true, true, true, true, false]);
  });

  it("refuses a cell past its dictionary's capacity, naming the cell's text", () => {
    // Prepare: a dictionary of one value, so "-2.5" has no id and is read from its bytes.
    const profile = new ColumnProfile(1);
    const reading = new CellReading(new ValueMatcher([1]), 1, "uint8");
    const readCell = (cell: string) => {
      const bytes = Buffer.from(cell);
      const id = profile.observe(bytes, 0, bytes.length);
      return { id, read: () => reading.read(profile, id, bytes, 0, bytes.length) };
    };
    const first = readCell("0.5");

    // Act
    const firstReading = first.read();
    const past = readCell("-2.5");

    // Assess
    expect(firstReading & ABOVE).toBe(0);
    expect(past.id).toBe(-1);
    expect(past.read).toThrow(
      /pandas refuses the negative "-2\.5" \(Cannot losslessly cast from float64 to uint8\)/,
    );
  });
});

describe("predictedCast", () => {
  it("applies to float predictions of an integer label typed continuous, naming a prediction it reads otherwise", () => {
    // Prepare
    const label = profileOf(INTEGER_LABELS);
    const predicted = profileOf(["0.5", "3.5", "1.5", "2"]);

    // Act
    const cast = predictedCast({ labelValues: [1], label, predicted });

    // Assess
    expect(cast).toEqual({ dtype: "int64", example: { cell: "1.5", cast: 1 } });
  });

  it("changes nothing when no prediction's reading changes, so the first count stands", () => {
    // Prepare: 0.5 and 0 are both not above 1; 3.5 and 3 both above.
    const label = profileOf(INTEGER_LABELS);
    const predicted = profileOf(["0.5", "3.5", "2.0"]);

    // Act
    const cast = predictedCast({ labelValues: [1], label, predicted });

    // Assess
    expect(cast).toBeUndefined();
  });

  it("does not apply to a float label, to scores, to categorical labels, or to integer predictions", () => {
    // Prepare
    const floatLabel = profileOf(INTEGER_LABELS.map((value) => `${value}.5`));
    const label = profileOf(INTEGER_LABELS);
    const predicted = profileOf(["0.5", "3.5", "1.5"]);

    // Act
    const cases = [
      predictedCast({ labelValues: [1], label: floatLabel, predicted }),
      predictedCast({ labelValues: [1], probabilityThreshold: 0.5, label, predicted }),
      predictedCast({ labelValues: [0, 1], label, predicted }),
      predictedCast({ labelValues: [1], label, predicted: profileOf(["0", "3", "1"]) }),
    ];

    // Assess
    expect(cases).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("applies to a Parquet label declared int32, casting to int32", () => {
    // Prepare
    const label = profileOf(INTEGER_LABELS);
    label.declaredDtype = "int32";
    const predicted = profileOf(["1.9", "3.5"]);

    // Act
    const cast = predictedCast({ labelValues: [1], label, predicted });

    // Assess
    expect(cast).toEqual({ dtype: "int32", example: { cell: "1.9", cast: 1 } });
  });

  it("refuses an infinite prediction even when no other reading changes", () => {
    // Prepare
    const label = profileOf(INTEGER_LABELS);
    const predicted = profileOf(["0.5", "-Infinity"]);

    // Act
    const cast = () => predictedCast({ labelValues: [1], label, predicted });

    // Assess
    expect(cast).toThrow(/pandas cannot cast "-Infinity"/);
  });

  it("may change a reading when the predictions had more distinct values than the count keeps", () => {
    // Prepare: a dictionary of 4 values, overflowed by the fifth.
    const label = profileOf(INTEGER_LABELS);
    const predicted = new ColumnProfile(4);
    for (const cell of ["0.5", "3.5", "4.5", "5.5", "6.5", "1.5"]) {
      const bytes = Buffer.from(cell);
      predicted.observe(bytes, 0, bytes.length);
    }

    // Act
    const cast = predictedCast({ labelValues: [1], label, predicted });

    // Assess
    expect(predicted.values.overflowed).toBe(true);
    expect(cast).toEqual({ dtype: "int64" });
  });
});

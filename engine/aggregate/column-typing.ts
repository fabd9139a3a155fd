/**
 * smclarify's typing of a label, predicted label or facet column (`series_datatype` in
 * smclarify/bias/metrics/common.py), as a pure function of what pandas knows about the column:
 * its dtype, and its share of distinct values. Readers of any format (CSV, JSON Lines,
 * Parquet) describe their column as pandas would have typed it and get Clarify's answer.
 */

/** Clarify's threshold: a numeric column with at least 5% distinct values is continuous. */
export const UNIQUENESS_THRESHOLD = 0.05;

export type DataType = "categorical" | "continuous";

/**
 * The pandas dtype a column gets when the dataset is read: `int64` (integers only), `float64`
 * (a fraction, an exponent, or integers with a missing value), `bool`, `category`, `object`
 * (text). For `object`, `castsToInt` says whether every value converts with
 * `astype("int64")`, which smclarify then treats like an integer column.
 */
export interface ColumnEvidence {
  readonly dtype: "int64" | "float64" | "bool" | "category" | "object";
  readonly castsToInt?: boolean;
  /** Distinct non-missing values (`nunique()`). */
  readonly distinct: number;
  /** Non-missing values (`count()`). */
  readonly count: number;
  /**
   * An `object` column of booleans (true/false cells and a missing one): `castsToInt` then holds,
   * as `astype("int64")` reads True and False as 1 and 0.
   */
  readonly booleans?: boolean;
  /** True when the dtype is float64 only because an integer column has missing values. */
  readonly floatFromMissing?: boolean;
  /** True when the dtype is float64 only because of a fraction in a row left out (integers analysed). */
  readonly floatFromLeftOut?: boolean;
  /** True when the dtype is `object` only because of the cells of a row left out (text, or booleans beside numbers). */
  readonly textFromLeftOut?: boolean;
}

export interface ColumnTyping {
  readonly dataType: DataType;
  /** One sentence saying which of smclarify's rules decided. */
  readonly why: string;
  /** True when the 5% rule decided on an integer column (the reading users find surprising). */
  readonly byUniqueness: boolean;
}

/**
 * Categorical or continuous, in smclarify's order of rules: a `category` dtype or more than one
 * configured value → categorical; text → categorical unless it all converts to integers with
 * >= 5% distinct values; floats → continuous; integers → continuous with >= 5% distinct values.
 */
export function clarifyDataType(
  evidence: ColumnEvidence,
  givenValues: readonly unknown[] | undefined,
): ColumnTyping {
  const share = evidence.count === 0 ? 0 : evidence.distinct / evidence.count;
  const percent = formatPercent(share);
  const decide = (dataType: DataType, why: string, byUniqueness = false): ColumnTyping => ({
    dataType,
    why,
    byUniqueness,
  });
  if (evidence.dtype === "category") return decide("categorical", "a category column: categorical");
  if (givenValues !== undefined && givenValues.length > 1) {
    return decide("categorical", `${givenValues.length} values configured: categorical`);
  }
  const uniqueness = (what: string): ColumnTyping =>
    share >= UNIQUENESS_THRESHOLD
      ? decide("continuous", `${what} with ${percent} distinct values (>= 5%): continuous`, true)
      : decide("categorical", `${what} with ${percent} distinct values (< 5%): categorical`, true);
  switch (evidence.dtype) {
    case "object":
      if (evidence.booleans) {
        return uniqueness(
          "true/false values with missing cells, which pandas holds as objects that cast to integers,",
        );
      }
      if (evidence.textFromLeftOut) {
        const why =
          "(a row left out holds text, or a number beside booleans or a boolean beside numbers, so pandas reads the column as strings)";
        return evidence.castsToInt
          ? uniqueness(`text of integers ${why}`)
          : decide("categorical", `text ${why}: categorical`);
      }
      return evidence.castsToInt
        ? uniqueness("text of integers")
        : decide("categorical", "text: categorical");
    case "bool":
      return decide("categorical", "true/false values: categorical");
    case "float64":
      return decide(
        "continuous",
        evidence.floatFromMissing
          ? "integers with missing values, which pandas reads as floats: continuous"
          : evidence.floatFromLeftOut
            ? "integers with a fraction in a row left out, which pandas reads as floats: continuous"
            : "floats: continuous",
      );
    default:
      return uniqueness("integers");
  }
}

function formatPercent(share: number): string {
  return `${Number((share * 100).toPrecision(3))}%`;
}

/**
 * What the project's engine knows about an analysis that Clarify's `analysis.json` has no
 * place for: how the dataset and the config were read, the groups every metric is computed
 * from, and the warnings a reader must see before trusting a value.
 *
 * The engine writes it as `output/analysis_context.json`, beside `analysis.json` (which keeps
 * exactly Clarify's shape). The Clarify image writes no such file: every reader (the report,
 * the gates, collect-results) treats it as optional and says so when it is missing.
 */

/** File name under the job's `analysis_result` output. */
export const ANALYSIS_CONTEXT_FILE = "analysis_context.json";

export interface AnalysisContext {
  readonly version: "1";
  readonly dataset: DatasetReading;
  /**
   * How the label was read. Absent when no bias method ran (an analysis of explanations
   * alone, `methods.shap` / `methods.pdp`): the label is then not read at all.
   */
  readonly label?: ColumnReading;
  /** Present when post-training bias ran on predicted labels. */
  readonly predictedLabel?: PredictedLabelReading;
  /** Empty when no bias method ran. */
  readonly facets: readonly FacetReading[];
  /** `group_variable` (CDDL, CDDPL), when configured. */
  readonly groupVariable?: string;
  /** Surprising or degenerate readings, in the order found. */
  readonly warnings: readonly AnalysisWarning[];
}

export interface DatasetReading {
  /** `dataset_type` from the analysis config. */
  readonly datasetType: string;
  /** The files read, as the user named them (not internal staging keys), in read order. */
  readonly files: readonly string[];
  readonly rowsRead: number;
  /** Rows left out of every metric, with why (e.g. "label value missing"). */
  readonly rowsSkipped: readonly { readonly reason: string; readonly rows: number }[];
}

/** How one configured column was typed, as smclarify types it, and why. */
export interface ColumnReading {
  /** Column name, or its index as text when the dataset has no headers. */
  readonly column: string;
  readonly dataType: "categorical" | "continuous";
  /** One sentence, e.g. "integers with 7% distinct values (>= 5%): continuous". */
  readonly why: string;
  /** What counts as positive / the facet's sensitive group. */
  readonly positive: { readonly values: readonly string[] } | { readonly threshold: number };
  /**
   * The most frequent values with their row counts, most frequent first (at most 20): one entry
   * per value as pandas holds it, written as pandas prints it in the column's dtype (` 1` and
   * `01` in a column of integers are one "1", `true` in a column of booleans is "True"); a column
   * of text, or of numbers that a text in a row left out makes strings, keeps its spellings apart.
   */
  readonly topValues: readonly { readonly value: string; readonly rows: number }[];
}

/** The predicted label column, read as the label is. */
export interface PredictedLabelReading extends ColumnReading {
  /**
   * The label's integer dtype (e.g. `int64`) the float predictions were cast to, toward zero,
   * before the threshold, as smclarify casts them; present when the cast changes how some
   * prediction reads (the PREDICTED_LABEL_CAST warning says which).
   */
  readonly castTo?: string;
}

export interface FacetReading extends ColumnReading {
  /** One entry per analysed value or threshold, in analysis.json's order. */
  readonly groups: readonly GroupCounts[];
}

/** The counts behind the metrics of one facet value, against all other rows. */
export interface GroupCounts {
  /** As analysis.json writes it (`value_or_threshold`). */
  readonly valueOrThreshold: string;
  /** The facet group (d: the sensitive side) and all other rows (a). */
  readonly facet: SideCounts;
  readonly others: SideCounts;
}

export interface SideCounts {
  readonly rows: number;
  readonly labelPositive: number;
  /** Present with post-training bias. */
  readonly predictedPositive?: number;
  /** Present with post-training bias: true/false positives/negatives. */
  readonly confusion?: {
    readonly tp: number;
    readonly fp: number;
    readonly fn: number;
    readonly tn: number;
  };
}

export interface AnalysisWarning {
  /** Stable code, e.g. `EMPTY_FACET_GROUP`, `LABEL_NO_POSITIVE`. */
  readonly code: string;
  /** Says how Clarify reads the config and what to write instead. */
  readonly message: string;
  /** Scope of the warning; both absent means the whole analysis. */
  readonly facet?: string;
  readonly valueOrThreshold?: string;
  /**
   * True when the reading makes the metrics of this scope meaningless: any gate on a metric
   * in scope fails rather than passes.
   */
  readonly failsGates: boolean;
}

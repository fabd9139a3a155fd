/**
 * Bias metric values as CloudWatch metrics in the Embedded Metric Format (EMF): one JSON
 * document per stage, facet and facet value, which CloudWatch Logs turns into metrics when
 * the function prints it as a log line. Shared with the CDK dashboard, which searches the
 * same namespace and dimensions.
 */

/** CloudWatch namespace of the bias metrics. */
export const BIAS_METRICS_NAMESPACE = "ClarifyPipeline";

/** Dimension names of every bias metric value, in the order of the dimension set. */
export const BIAS_METRIC_DIMENSIONS = ["RunName", "Stage", "Facet", "FacetValue"] as const;

/**
 * Suffix of a drift metric: the drift of a gated value against its baseline is emitted as
 * `<code>Drift` (e.g. `DIDrift`) under the same namespace and dimensions.
 */
export const DRIFT_METRIC_SUFFIX = "Drift";

/** EMF allows at most 100 metrics per directive. */
export const MAX_METRICS_PER_DIRECTIVE = 100;

/**
 * CloudWatch rejects values beyond ±2^360; dimension values must be 1 to 1024 ASCII
 * characters with at least one that is not whitespace.
 */
const MAX_METRIC_MAGNITUDE = 2 ** 360;
const MAX_DIMENSION_VALUE_LENGTH = 1024;

/** The part of a parsed analysis.json this module reads (collect-results' BiasAnalysis fits it). */
export type BiasMetricValues = Partial<
  Record<
    "pre_training" | "post_training",
    {
      readonly facets: Readonly<
        Record<
          string,
          readonly {
            readonly valueOrThreshold: string;
            readonly metrics: readonly { readonly name: string; readonly value: number | null }[];
          }[]
        >
      >;
    }
  >
>;

/** One EMF document: the `_aws` metadata, the dimension values and one value per metric code. */
export interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: "None" }[];
    }[];
  };
  readonly [member: string]: unknown;
}

/** A metric value that was not emitted, and why. */
export interface SkippedMetricValue {
  readonly stage: string;
  readonly facet: string;
  readonly facetValue: string;
  readonly metric: string;
  readonly value: number | null;
  readonly reason: string;
}

export interface BiasMetricEmission {
  readonly documents: readonly EmfDocument[];
  readonly skipped: readonly SkippedMetricValue[];
}

/** Members the metric values may not take: the metadata and the dimensions. */
const RESERVED_MEMBERS: ReadonlySet<string> = new Set(["_aws", ...BIAS_METRIC_DIMENSIONS]);

/**
 * The EMF documents of every finite bias metric value of `analysis`, for run `runName`
 * at `timestamp` (ms since the epoch). Null, NaN, infinite and out-of-range values are
 * skipped and listed, so the caller can log them.
 */
export function biasMetricDocuments(
  analysis: BiasMetricValues,
  runName: string,
  timestamp: number,
): BiasMetricEmission {
  const documents: EmfDocument[] = [];
  const skipped: SkippedMetricValue[] = [];
  for (const stage of ["pre_training", "post_training"] as const) {
    for (const [facet, values] of Object.entries(analysis[stage]?.facets ?? {})) {
      for (const entry of values) {
        const metricValues: Record<string, number> = {};
        for (const { name, value } of entry.metrics) {
          const where = { stage, facet, facetValue: entry.valueOrThreshold, metric: name, value };
          const reason = skipReason(name, value, metricValues);
          if (reason) skipped.push({ ...where, reason });
          else metricValues[name] = value as number;
        }
        const names = Object.keys(metricValues);
        // Each directive holds at most 100 metrics; Clarify reports far fewer per facet value.
        for (let start = 0; start < names.length; start += MAX_METRICS_PER_DIRECTIVE) {
          const batch = names.slice(start, start + MAX_METRICS_PER_DIRECTIVE);
          documents.push({
            _aws: {
              Timestamp: timestamp,
              CloudWatchMetrics: [
                {
                  Namespace: BIAS_METRICS_NAMESPACE,
                  Dimensions: [[...BIAS_METRIC_DIMENSIONS]],
                  Metrics: batch.map((name) => ({ Name: name, Unit: "None" as const })),
                },
              ],
            },
            RunName: dimensionValue(runName),
            Stage: stage,
            Facet: dimensionValue(facet),
            FacetValue: dimensionValue(entry.valueOrThreshold),
            ...Object.fromEntries(batch.map((name) => [name, metricValues[name]])),
          });
        }
      }
    }
  }
  return { documents, skipped };
}

function skipReason(
  name: string,
  value: number | null,
  already: Readonly<Record<string, number>>,
): string | undefined {
  if (value === null) return "no value (null or NaN): Clarify could not compute it";
  if (!Number.isFinite(value)) return `${value} is not finite; CloudWatch takes finite values only`;
  if (Math.abs(value) > MAX_METRIC_MAGNITUDE) return `${value} is beyond CloudWatch's range of ±2^360`;
  if (RESERVED_MEMBERS.has(name)) return `metric name ${name} would overwrite an EMF member of that name`;
  if (name.length === 0 || name.length > 255) return "a CloudWatch metric name has 1 to 255 characters";
  if (name in already) return `metric ${name} is reported twice for this facet value; the first is kept`;
  return undefined;
}

/** A CloudWatch-valid dimension value: ASCII only, not blank, at most 1024 characters. */
function dimensionValue(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, "?").slice(0, MAX_DIMENSION_VALUE_LENGTH);
  return ascii.trim() === "" ? "(empty)" : ascii;
}

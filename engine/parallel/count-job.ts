import type { CountPlan, FacetRule, OutcomeRule } from "../aggregate/collect-counts.ts";
import type { IntegerDtype } from "../aggregate/predicted-cast.ts";
import { type Matching, ValueMatcher } from "../aggregate/value-matcher.ts";
import type { ConfigValue } from "../config/analysis-config.ts";
import type { FilePart, TableFormat } from "../io/open-table.ts";
import type { CounterSlot } from "../progress/shared-counters.ts";

interface OutcomeSpec {
  readonly index: number;
  readonly values: readonly ConfigValue[];
  /** Absent: "text-or-number". */
  readonly matching?: Matching;
  readonly threshold?: number;
  readonly castTo?: IntegerDtype;
}

interface FacetSpec {
  readonly index: number;
  readonly values?: readonly ConfigValue[];
  readonly matching?: Matching;
  readonly threshold?: number;
}

const matchingOf = (matcher: ValueMatcher) => matcher.matching === "text" && { matching: matcher.matching };

/** A CountPlan as plain data, for a worker thread (matchers are rebuilt from their values). */
export interface CountPlanSpec {
  readonly label: OutcomeSpec;
  readonly predicted?: OutcomeSpec;
  readonly facets: readonly FacetSpec[];
  readonly groupIndex?: number;
  readonly featureIndexes?: readonly number[];
}

/** What one worker counts: consecutive rows of the dataset, as the file parts holding them. */
export interface CountJob {
  readonly kind: "clarify-count-job";
  readonly parts: readonly FilePart[];
  readonly format: TableFormat;
  /** The first file's header row (other files' header rows must equal it). */
  readonly firstFileHeaders?: readonly string[];
  readonly fieldCount: number;
  readonly plan: CountPlanSpec;
  /** Count each part's quote bytes too (to check that quick CSV cuts are outside quotes). */
  readonly countQuotes?: boolean;
  /**
   * The parts are a run shared with the thread that sent the job: count them from the cut that
   * thread places once this one has started (shared-cut.ts).
   */
  readonly sharedCut?: SharedArrayBuffer;
  /** Where the thread adds the bytes it reads, for the count pass's progress (progress/count-progress.ts). */
  readonly progress?: CounterSlot;
}

const outcomeSpec = (rule: OutcomeRule): OutcomeSpec => ({
  index: rule.index,
  values: rule.matcher.values,
  ...matchingOf(rule.matcher),
  ...(rule.threshold !== undefined && { threshold: rule.threshold }),
  ...(rule.castTo && { castTo: rule.castTo }),
});

const facetSpec = (rule: FacetRule): FacetSpec => ({
  index: rule.index,
  ...(rule.matcher && { values: rule.matcher.values, ...matchingOf(rule.matcher) }),
  ...(rule.threshold !== undefined && { threshold: rule.threshold }),
});

/** A plan without a separate predicted-label reader (that one is read in lockstep, on one thread). */
export function planSpec(plan: CountPlan): CountPlanSpec {
  return {
    label: outcomeSpec(plan.label),
    ...(plan.predicted && { predicted: outcomeSpec(plan.predicted) }),
    facets: plan.facets.map(facetSpec),
    ...(plan.groupIndex !== undefined && { groupIndex: plan.groupIndex }),
    ...(plan.featureIndexes && { featureIndexes: plan.featureIndexes }),
  };
}

const outcomeRule = (spec: OutcomeSpec): OutcomeRule => ({
  index: spec.index,
  matcher: new ValueMatcher(spec.values, spec.matching),
  ...(spec.threshold !== undefined && { threshold: spec.threshold }),
  ...(spec.castTo && { castTo: spec.castTo }),
});

export function planOf(spec: CountPlanSpec): CountPlan {
  return {
    label: outcomeRule(spec.label),
    ...(spec.predicted && { predicted: outcomeRule(spec.predicted) }),
    facets: spec.facets.map((facet) => ({
      index: facet.index,
      ...(facet.values && { matcher: new ValueMatcher(facet.values, facet.matching) }),
      ...(facet.threshold !== undefined && { threshold: facet.threshold }),
    })),
    ...(spec.groupIndex !== undefined && { groupIndex: spec.groupIndex }),
    ...(spec.featureIndexes && { featureIndexes: spec.featureIndexes }),
  };
}

/**
 * Which coalitions Kernel SHAP evaluates, and their Shapley-kernel weights: the sampling of
 * the `shap` library's KernelExplainer. Subset sizes are taken in pairs (s and M − s) from the
 * smallest; a size is enumerated completely while the sample budget covers its share of the
 * kernel weight, and the remaining sizes are drawn at random (each draw with its complement),
 * repeated draws adding weight instead of rows.
 */

export interface CoalitionPlan {
  /** Number of players M (the varying features or feature groups). */
  readonly players: number;
  /** Number of coalitions n. */
  readonly count: number;
  /** n × M membership flags, coalition after coalition. */
  readonly masks: Uint8Array;
  /** n kernel weights. */
  readonly weights: Float64Array;
  /** Every coalition but the empty and the full one was enumerated: the values are exact. */
  readonly exact: boolean;
}

/** KernelExplainer's default budget when `num_samples` is not given. */
export function defaultSampleCount(players: number): number {
  return 2 * players + 2048;
}

/** The largest useful budget: every proper, non-empty coalition (2^M − 2). */
export function coalitionCount(players: number): number {
  return players > 30 ? 2 ** 30 : 2 ** players - 2;
}

/** Whether `numSamples` coalitions enumerate every one of `players` (the values are then exact, not sampled). */
export function enumeratesEveryCoalition(players: number, numSamples: number): boolean {
  return numSamples >= coalitionCount(players) && players <= 30;
}

export function coalitionPlan(players: number, numSamples: number, random: () => number): CoalitionPlan {
  const M = players;
  const maxSamples = coalitionCount(M);
  const budget = Math.min(numSamples, maxSamples);
  const masks = new Uint8Array(budget * M);
  const weights = new Float64Array(budget);
  let added = 0;
  const add = (mask: Uint8Array, weight: number): void => {
    masks.set(mask, added * M);
    weights[added] = weight;
    added++;
  };

  const subsetSizes = Math.ceil((M - 1) / 2);
  const pairedSizes = Math.floor((M - 1) / 2);
  const weightVector = new Float64Array(subsetSizes);
  for (let i = 1; i <= subsetSizes; i++) weightVector[i - 1] = (M - 1) / (i * (M - i));
  for (let i = 0; i < pairedSizes; i++) (weightVector[i] as number) *= 2;
  normalise(weightVector);

  let fullSizes = 0;
  let samplesLeft = budget;
  const remaining = Float64Array.from(weightVector);
  const mask = new Uint8Array(M);
  for (let size = 1; size <= subsetSizes; size++) {
    const paired = size <= pairedSizes;
    const subsets = binomial(M, size) * (paired ? 2 : 1);
    if ((samplesLeft * (remaining[size - 1] as number)) / subsets < 1 - 1e-8) break;
    fullSizes++;
    samplesLeft -= subsets;
    const share = remaining[size - 1] as number;
    if (share < 1) for (let i = 0; i < remaining.length; i++) (remaining[i] as number) /= 1 - share;
    const weight = (weightVector[size - 1] as number) / binomial(M, size) / (paired ? 2 : 1);
    forEachCombination(M, size, (members) => {
      mask.fill(0);
      for (const m of members) mask[m] = 1;
      add(mask, weight);
      if (paired) {
        for (let j = 0; j < M; j++) mask[j] = 1 - (mask[j] as number);
        add(mask, weight);
      }
    });
  }

  const fixed = added;
  samplesLeft = budget - added;
  if (fullSizes !== subsetSizes && samplesLeft > 0) {
    const drawWeights = weightVector.slice(fullSizes);
    // Each draw of a paired size also adds its complement, so a paired size is drawn half as often.
    for (let i = fullSizes; i < pairedSizes; i++) (drawWeights[i - fullSizes] as number) /= 2;
    normalise(drawWeights);
    const cumulative = cumulate(drawWeights);
    // A coalition's key: its membership bits as a number (exact up to 52 players), else text.
    const seen = new Map<number | string, number>();
    const powers = Float64Array.from({ length: M }, (_, j) => 2 ** j);
    const keyOf = (m: Uint8Array): number | string => {
      if (M > 52) return m.join("");
      let key = 0;
      for (let j = 0; j < M; j++) if (m[j] !== 0) key += powers[j] as number;
      return key;
    };
    const order = new Int32Array(M);
    for (let draws = 0; samplesLeft > 0 && draws < 4 * (budget - fixed); draws++) {
      const size = pick(cumulative, random()) + fullSizes + 1;
      randomSubset(order, size, random);
      mask.fill(0);
      for (let k = 0; k < size; k++) mask[order[k] as number] = 1;
      const key = keyOf(mask);
      const at = seen.get(key);
      if (at === undefined) {
        seen.set(key, added);
        samplesLeft--;
        add(mask, 1);
      } else {
        (weights[at] as number) += 1;
      }
      if (samplesLeft > 0 && size <= pairedSizes) {
        for (let j = 0; j < M; j++) mask[j] = 1 - (mask[j] as number);
        if (at === undefined) {
          samplesLeft--;
          add(mask, 1);
        } else {
          (weights[at + 1] as number) += 1;
        }
      }
    }
    // The drawn coalitions share the kernel weight the enumerated sizes left.
    let leftWeight = 0;
    for (let i = fullSizes; i < subsetSizes; i++) leftWeight += weightVector[i] as number;
    let drawn = 0;
    for (let i = fixed; i < added; i++) drawn += weights[i] as number;
    for (let i = fixed; i < added; i++) (weights[i] as number) *= leftWeight / drawn;
  }
  return {
    players: M,
    count: added,
    masks: added === budget ? masks : masks.slice(0, added * M),
    weights: added === budget ? weights : weights.slice(0, added),
    exact: enumeratesEveryCoalition(M, numSamples),
  };
}

function normalise(values: Float64Array): void {
  let sum = 0;
  for (const v of values) sum += v;
  for (let i = 0; i < values.length; i++) (values[i] as number) /= sum;
}

function cumulate(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  values.forEach((v, i) => {
    sum += v;
    out[i] = sum;
  });
  return out;
}

function pick(cumulative: Float64Array, u: number): number {
  for (let i = 0; i < cumulative.length - 1; i++) if (u < (cumulative[i] as number)) return i;
  return cumulative.length - 1;
}

/** The first `size` entries of `order` become a uniformly random subset of 0..M-1. */
function randomSubset(order: Int32Array, size: number, random: () => number): void {
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (order.length - i));
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
}

export function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/** Calls `visit` with each k-subset of 0..n-1, in lexicographic order (the array is reused). */
function forEachCombination(n: number, k: number, visit: (members: Int32Array) => void): void {
  const members = new Int32Array(k);
  for (let i = 0; i < k; i++) members[i] = i;
  for (;;) {
    visit(members);
    let i = k - 1;
    while (i >= 0 && members[i] === n - k + i) i--;
    if (i < 0) return;
    (members[i] as number)++;
    for (let j = i + 1; j < k; j++) members[j] = (members[j - 1] as number) + 1;
  }
}

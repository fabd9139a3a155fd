import type { CoalitionPlan } from "./coalition-plan.ts";

/**
 * The weighted least squares of Kernel SHAP with the efficiency constraint (the values sum to
 * f(x) − E[f]), as KernelExplainer solves it: the last player's value is eliminated, so the
 * system has M − 1 unknowns. The normal matrix depends only on the coalitions, so it is
 * factorised once per plan and every row and output reuses it.
 */
export class ShapleySolver {
  private readonly plan: CoalitionPlan;
  private readonly size: number;
  /** Cholesky factor of XᵀWX, row-major, lower triangle. */
  private readonly factor: Float64Array;
  private readonly rhs: Float64Array;

  constructor(plan: CoalitionPlan) {
    this.plan = plan;
    const M = plan.players;
    const size = M - 1;
    this.size = size;
    this.rhs = new Float64Array(size);
    // XᵀWX with X = m − l·1 (m: the first M − 1 flags, l: the last flag) expands to
    // Σ w·m·mᵀ − Σ w·l·(m·1ᵀ + 1·mᵀ) + Σ w·l²·1·1ᵀ; with 0/1 flags only the members of each
    // coalition enter the first sum, which keeps the cost at about size²/8 per coalition.
    const normal = new Float64Array(size * size);
    const { masks, weights } = plan;
    const lastWeighted = new Float64Array(size);
    let lastTotal = 0;
    const members = new Int32Array(size);
    for (let s = 0; s < plan.count; s++) {
      const base = s * M;
      const w = weights[s] as number;
      let k = 0;
      for (let j = 0; j < size; j++) if (masks[base + j] !== 0) members[k++] = j;
      // The complement coalition has the negated row of X and the same outer product: take
      // whichever of the two has fewer members.
      let last = masks[base + size] !== 0;
      if (2 * k > size) {
        k = 0;
        for (let j = 0; j < size; j++) if (masks[base + j] === 0) members[k++] = j;
        last = !last;
      }
      for (let a = 0; a < k; a++) {
        const i = members[a] as number;
        for (let b = 0; b <= a; b++) (normal[i * size + (members[b] as number)] as number) += w;
      }
      if (last) {
        lastTotal += w;
        for (let a = 0; a < k; a++) (lastWeighted[members[a] as number] as number) += w;
      }
    }
    for (let i = 0; i < size; i++) {
      for (let j = 0; j <= i; j++) {
        (normal[i * size + j] as number) +=
          lastTotal - (lastWeighted[i] as number) - (lastWeighted[j] as number);
      }
    }
    this.factor = cholesky(normal, size);
  }

  /**
   * `values[s]` is link(E_b f(coalition s)) − link(E[f]); `total` is link(f(x)) − link(E[f]).
   * Writes the M player values to `out` from `offset`.
   */
  solve(values: Float64Array, total: number, out: Float64Array, offset: number): void {
    const { masks, weights, players: M, count } = this.plan;
    const size = this.size;
    const rhs = this.rhs;
    rhs.fill(0);
    for (let s = 0; s < count; s++) {
      const base = s * M;
      const last = masks[base + size] as number;
      const r = (weights[s] as number) * ((values[s] as number) - last * total);
      if (r === 0) continue;
      for (let j = 0; j < size; j++) (rhs[j] as number) += r * ((masks[base + j] as number) - last);
    }
    substitute(this.factor, rhs, size);
    let sum = 0;
    for (let j = 0; j < size; j++) {
      out[offset + j] = rhs[j] as number;
      sum += rhs[j] as number;
    }
    out[offset + size] = total - sum;
  }
}

/**
 * Lower Cholesky factor of a symmetric positive definite matrix (lower triangle given). A
 * sampled plan may leave the matrix singular (a player in no drawn coalition); a ridge of
 * 1e-12 of the trace then keeps the solve defined, as a least-squares solver's cut-off would.
 */
function cholesky(matrix: Float64Array, n: number): Float64Array {
  const attempt = (ridge: number): Float64Array | undefined => {
    const L = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = (matrix[i * n + j] as number) + (i === j ? ridge : 0);
        for (let k = 0; k < j; k++) sum -= (L[i * n + k] as number) * (L[j * n + k] as number);
        if (i === j) {
          if (!(sum > 0)) return undefined;
          L[i * n + i] = Math.sqrt(sum);
        } else {
          L[i * n + j] = sum / (L[j * n + j] as number);
        }
      }
    }
    return L;
  };
  const exact = attempt(0);
  if (exact) return exact;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += matrix[i * n + i] as number;
  const ridged = attempt(((trace || 1) / Math.max(n, 1)) * 1e-12);
  if (!ridged) throw new Error("the Kernel SHAP normal matrix cannot be factorised");
  return ridged;
}

/** Solves L Lᵀ x = b in place. */
function substitute(L: Float64Array, b: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (L[i * n + k] as number) * (b[k] as number);
    b[i] = sum / (L[i * n + i] as number);
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i] as number;
    for (let k = i + 1; k < n; k++) sum -= (L[k * n + i] as number) * (b[k] as number);
    b[i] = sum / (L[i * n + i] as number);
  }
}

/**
 * Flip Test (FT). Placeholder signature; the implementation lands with the FT work.
 */

/** One side of the facet split: numeric feature rows (row-major) and their predicted labels. */
export interface FlipTestGroup {
  /** `rows * dimensions` feature values, row-major. */
  readonly features: Float64Array;
  /** 1 = predicted positive, 0 = predicted negative; one per row. */
  readonly predicted: Uint8Array;
}

export interface FlipTestInput {
  readonly disadvantaged: FlipTestGroup;
  readonly advantaged: FlipTestGroup;
  readonly dimensions: number;
  /** Neighbours per row. */
  readonly k?: number;
}

export function flipTest(_input: FlipTestInput): number {
  throw new Error("FT is not implemented yet");
}

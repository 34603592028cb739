/**
 * All polygon overlays snap-round to this grid (~0.1 mm). Floating-point overlay falls back to
 * snapping when it meets near-degenerate cases and then moves vertices by up to a centimetre,
 * so parts cut from one parent in separate queries stop matching; fixed-precision overlay never
 * fails and puts every part's vertices on the same grid, so shared boundaries agree exactly.
 */
export const GRID_SIZE_DEG = 1e-9;
/** Decimals that write grid coordinates exactly. */
export const GRID_DECIMALS = 9;

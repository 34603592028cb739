/**
 * Benjamini–Hochberg adjusted p-values ("q-values"; Benjamini & Hochberg 1995, as R's
 * `p.adjust(p, 'BH')`): with the m p-values sorted ascending, q₍ᵢ₎ = min over j ≥ i of
 * m·p₍ⱼ₎ / j, at most 1. Rejecting every test with q ≤ α is the BH procedure at false-discovery
 * rate α: of the tests called significant, at most a share α are expected to be false alarms.
 * Returns the adjusted values in the input's order.
 *
 * @example benjaminiHochberg([0.01, 0.04, 0.03]) // [0.03, 0.04, 0.04]
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const m = p.length;
  const order = Uint32Array.from({ length: m }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  const q = new Float64Array(m);
  let smallest = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1];
    smallest = Math.min(smallest, (m * p[i]) / rank);
    q[i] = smallest;
  }
  return q;
}

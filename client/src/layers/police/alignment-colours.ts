/** Comprehensive grids split between overlay grids (一格多警). */
export const CONFLICT_COLOUR = '#e03131';
/** Comprehensive grids wholly inside one overlay grid. */
export const WHOLE_COLOUR = '#dde3ea';
/** Overlay (police) grid boundaries. */
export const OVERLAY_OUTLINE_COLOUR = '#1f3a93';
/** The hatch over grids a proposal moves to another overlay grid. */
export const CHANGED_RGB: [number, number, number] = [29, 36, 51];

/** Soft categorical fills (ColorBrewer Set3), one per proposed overlay grid. */
const PROPOSAL_PALETTE = [
  '#8dd3c7', '#ffffb3', '#bebada', '#fb8072', '#80b1d3', '#fdb462',
  '#b3de69', '#fccde5', '#d9d9d9', '#bc80bd', '#ccebc5', '#ffed6f',
];

/**
 * One colour per overlay grid code, in code order, so neighbouring serials differ.
 * @example proposalColours(['JW002', 'JW001']).get('JW001') // '#8dd3c7'
 */
export function proposalColours(codes: Iterable<string>): Map<string, string> {
  const sorted = [...new Set(codes)].sort();
  return new Map(sorted.map((code, index) => [code, PROPOSAL_PALETTE[index % PROPOSAL_PALETTE.length]]));
}

import type { HeatmapMetric } from '../../api/risk-types';

export type Rgba = [number, number, number, number];

/** Sequential ramp for counts and the risk index, light to dark (ColorBrewer YlOrRd). */
export const SEQUENTIAL_RAMP = ['#ffffcc', '#ffeda0', '#fed976', '#feb24c', '#fd8d3c', '#fc4e2a', '#e31a1c', '#bd0026', '#800026'];

/** Gi* confidence bins, hot (3: 99 %) to cold (−3: 99 %), on a diverging ramp (ColorBrewer RdBu): red hot, blue cold. */
export const HOTSPOT_BINS = [3, 2, 1, 0, -1, -2, -3] as const;
const BIN_COLOURS: Record<number, string> = {
  3: '#b2182b',
  2: '#ef8a62',
  1: '#fddbc7',
  0: '#e9ecef',
  [-1]: '#d1e5f0',
  [-2]: '#67a9cf',
  [-3]: '#2166ac',
};

/** Opacity of a filled cell (0–255); cells that are not significant hot or cold spots are fainter. */
const FILL_ALPHA = 200;
const NOT_SIGNIFICANT_ALPHA = 110;

export const binColour = (bin: number): string => BIN_COLOURS[Math.max(-3, Math.min(3, Math.round(bin)))];

export const binFill = (bin: number): Rgba => [...hexToRgb(binColour(bin)), bin === 0 ? NOT_SIGNIFICANT_ALPHA : FILL_ALPHA];

/**
 * How values map to the ramp: the share of the way from domain[0] to domain[1], raised to
 * `exponent` (counts are skewed: a square root spreads the many small ones over the light end).
 */
export interface ValueScale {
  domain: [number, number];
  exponent: number;
}

export const scaleFor = (metric: HeatmapMetric, domain: [number, number]): ValueScale => ({ domain, exponent: metric === 'count' ? 0.5 : 1 });

/**
 * Where a value sits on the ramp, 0–1 (clamped: a pinned domain may not cover new values).
 * @example positionOf({ domain: [0, 100], exponent: 0.5 }, 25) // 0.5
 */
export function positionOf({ domain: [low, high], exponent }: ValueScale, value: number): number {
  if (high <= low) return value > low ? 1 : 0;
  const share = Math.max(0, Math.min(1, (value - low) / (high - low)));
  return share ** exponent;
}

/** The value at a position of the ramp (the inverse of positionOf), for legend ticks. */
export const valueAt = ({ domain: [low, high], exponent }: ValueScale, position: number): number =>
  low + (high - low) * position ** (1 / exponent);

/** The ramp's colour at a position 0–1, interpolated between its stops. */
export function rampFill(position: number): Rgba {
  const scaled = Math.max(0, Math.min(1, position)) * (SEQUENTIAL_RAMP.length - 1);
  const index = Math.min(Math.floor(scaled), SEQUENTIAL_RAMP.length - 2);
  const [from, to] = [hexToRgb(SEQUENTIAL_RAMP[index]), hexToRgb(SEQUENTIAL_RAMP[index + 1])];
  const share = scaled - index;
  return [...from.map((channel, i) => Math.round(channel + (to[i] - channel) * share)), FILL_ALPHA] as Rgba;
}

function hexToRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

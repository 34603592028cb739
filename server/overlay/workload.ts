import { localRepair } from '../partition/local-repair';
import type { GraphEdge } from '../partition/unit-graph';

/** Households per overlay grid, summarised. */
export interface WorkloadFigures {
  overlayGrids: number;
  minHouseholds: number;
  maxHouseholds: number;
  meanHouseholds: number;
  /** coefficient of variation: standard deviation / mean */
  cv: number;
}

/** Households of one comprehensive grid put toward an overlay grid (whole, or its share). */
export interface Load { overlay: string; households: number }

export function workloadFigures(loads: Load[]): WorkloadFigures {
  const byOverlay = new Map<string, number>();
  for (const l of loads) byOverlay.set(l.overlay, (byOverlay.get(l.overlay) ?? 0) + l.households);
  const xs = [...byOverlay.values()];
  const mean = xs.reduce((s, x) => s + x, 0) / Math.max(xs.length, 1);
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(xs.length, 1));
  return {
    overlayGrids: xs.length,
    minHouseholds: xs.length ? Math.min(...xs) : 0,
    maxHouseholds: xs.length ? Math.max(...xs) : 0,
    meanHouseholds: mean,
    cv: mean > 0 ? sd / mean : 0,
  };
}

/** Metres of boundary a grid's move must save to be worth one household nearer the window. */
const COST_PER_HOUSEHOLD_OUTSIDE_M = 100;
const MAX_ROUNDS = 200;

/**
 * Balances overlay workload (households) by moving comprehensive grids, one at a time and only
 * across an overlay boundary, from grids above mean × (1 + tolerance) or toward grids below
 * mean × (1 − tolerance), the partition's local repair with households outside that window
 * costed against metres of new boundary; an overlay grid is never emptied nor broken into
 * pieces. Changes `assigned` in place; returns the number of moves.
 */
export function balanceWorkload(assigned: string[], households: number[], edges: { a: number; b: number; lengthM: number }[], tolerance: number): number {
  const codes = [...new Set(assigned)];
  const index = new Map(codes.map((c, i) => [c, i]));
  const part = assigned.map((c) => index.get(c)!);
  const mean = households.reduce((s, h) => s + h, 0) / codes.length;
  const graphEdges: GraphEdge[] = edges.map((e) => ({ ...e, barrier: false }));
  const moves = localRepair(households, graphEdges, part, {
    range: { min: mean * (1 - tolerance), max: mean * (1 + tolerance) },
    barrierCostPerM: 1,
    costPerHouseholdOutside: COST_PER_HOUSEHOLD_OUTSIDE_M,
    maxRounds: MAX_ROUNDS,
  });
  part.forEach((p, i) => { assigned[i] = codes[p]; });
  return moves;
}

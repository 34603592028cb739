import type { Rng } from '../geo/prng';
import type { HouseholdRange } from '../planning/planning.schema';
import { coarseGraph } from './coarse-units';
import { gridCount } from './grid-count';
import { localRepair } from './local-repair';
import { treeBisection, type BisectionOptions } from './tree-bisection';
import { induced, linkComponents, type UnitGraph } from './unit-graph';
import type { CommunityUnits } from './units.repo';

export interface PlannedGrid {
  kind: 'comprehensive' | 'dedicated';
  /** fine unit ids */
  units: number[];
  households: number;
  population: number;
  /** [lng, lat] household-weighted centre (area-weighted when empty), for numbering */
  centre: [number, number];
  /** dedicated grids: index of their footprint */
  footprint: number | null;
  /** micro-grids as groups of fine unit ids (empty when micro-grids are off) */
  micro: number[][];
}

export interface PlanOptions {
  range: HouseholdRange;
  micro: HouseholdRange | false;
  rng: Rng;
  shouldStop?: () => void;
}

const REPAIR = { costPerHouseholdOutside: 50, maxRounds: 20 };
const SEARCH = { trees: 12, barrierCostPerM: 0.05, imbalanceCostPerPct: 2 };

/**
 * The grids of one community: dedicated footprints become grids of their own; the rest is
 * split into balanced, connected comprehensive grids by tree bisection over the block graph;
 * each grid is then split the same way into micro-grids over its building cells.
 */
export function planCommunity(cu: CommunityUnits, opts: PlanOptions): PlannedGrid[] {
  const search: Omit<BisectionOptions, 'range'> = { ...SEARCH, rng: opts.rng, shouldStop: opts.shouldStop };
  const grids: PlannedGrid[] = [];

  const byFootprint = new Map<number, number[]>();
  for (const u of cu.units) if (u.footprint !== null) byFootprint.set(u.footprint, [...(byFootprint.get(u.footprint) ?? []), u.id]);
  for (const [footprint, units] of byFootprint) grids.push(grid(cu, 'dedicated', units, footprint));

  const coarse = coarseGraph(cu, opts.range.min);
  // A building holding more than a grid's maximum is a grid of its own (it is never split);
  // the rest is balanced without it.
  const heavy = new Set(coarse.weight.flatMap((w, n) => (w > opts.range.max ? [n] : [])));
  for (const n of heavy) grids.push(grid(cu, 'comprehensive', coarse.members[n], null));
  const rest = coarse.weight.flatMap((_, n) => (heavy.has(n) ? [] : [n]));
  if (rest.length) {
    const sub = induced(coarse, rest);
    const parts = splitGraph(sub, gridCount(sum(sub.weight), opts.range), { ...search, range: opts.range });
    for (const nodes of parts) grids.push(grid(cu, 'comprehensive', nodes.flatMap((n) => coarse.members[rest[n]]), null));
  }

  if (opts.micro) {
    const fine: UnitGraph = { weight: cu.units.map((u) => u.households), anchor: cu.units.map((u) => u.anchor), edges: cu.edges };
    for (const g of grids) {
      const sub = induced(fine, g.units);
      g.micro = splitGraph(sub, gridCount(g.households, opts.micro), { ...search, range: opts.micro }).map((ns) => ns.map((i) => g.units[i]));
    }
  }
  return grids;
}

/** Node groups of a graph split into `k` parts (disconnected ground linked first). */
export function splitGraph(graph: UnitGraph, k: number, opts: BisectionOptions): number[][] {
  const edges = [...graph.edges, ...linkComponents(graph)];
  const part = treeBisection(graph.weight, edges, k, opts);
  localRepair(graph.weight, edges, part, { range: opts.range, barrierCostPerM: opts.barrierCostPerM, costPerHouseholdOutside: REPAIR.costPerHouseholdOutside, maxRounds: REPAIR.maxRounds });
  const groups = new Map<number, number[]>();
  part.forEach((p, node) => groups.set(p, [...(groups.get(p) ?? []), node]));
  return [...groups.values()];
}

function grid(cu: CommunityUnits, kind: PlannedGrid['kind'], units: number[], footprint: number | null): PlannedGrid {
  const us = units.map((id) => cu.units[id]);
  return {
    kind, units, footprint, micro: [],
    households: sum(us.map((u) => u.households)),
    population: sum(us.map((u) => u.population)),
    centre: unitsCentre(cu, units),
  };
}

/** Household-weighted centre [lng, lat] of some units (area-weighted when they hold none). */
export function unitsCentre(cu: CommunityUnits, ids: number[]): [number, number] {
  const us = ids.map((id) => cu.units[id]);
  const households = sum(us.map((u) => u.households));
  const w = us.map((u) => (households > 0 ? u.households : u.areaM2));
  const total = sum(w) || 1;
  return [sum(us.map((u, i) => u.anchor[0] * w[i])) / total, sum(us.map((u, i) => u.anchor[1] * w[i])) / total];
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

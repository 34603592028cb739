import type { Knex } from 'knex';
import { inScope, type Scope } from '../auth/scope';
import { notFound } from '../http/errors';
import { TOPOLOGY_TYPES, type Severity, type TopologyIssue, type TopologyReport, type TopologyType } from './plans.schema';
import * as repo from './topology.repo';

/** Thresholds of the checks, in m² and the Polsby-Popper ratio. */
export const TOPOLOGY_THRESHOLDS = {
  /** a gap part, or the part of a grid outside/across its parent, counts above this */
  gapM2: 1,
  outsideM2: 1,
  /** two grids overlap when their interiors share more than this */
  overlapM2: 0.01,
  /** thin: smaller than this … */
  sliverM2: 100,
  /** … or less compact than this (4πA/P²; a square is 0.785, a 1 km × 10 m strip 0.031) */
  sliverPolsbyPopper: 0.05,
} as const;

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const m2 = (v: number) => `${Math.round(v).toLocaleString('en-US')} m²`;
const polsbyPopper = (areaM2: number, perimeterM: number) => (perimeterM > 0 ? (4 * Math.PI * areaM2) / (perimeterM * perimeterM) : 0);
const isThin = (areaM2: number, perimeterM: number) =>
  areaM2 < TOPOLOGY_THRESHOLDS.sliverM2 || polsbyPopper(areaM2, perimeterM) < TOPOLOGY_THRESHOLDS.sliverPolsbyPopper;
const named = (name: string | null, code: string) => (name ? `${name} (${code})` : code);

type Draft = TopologyIssue & { areaCodes: (string | null)[] };

/**
 * Checks a plan's grids the way planners mean "全覆盖、无缝隙、无交叉": every community covered
 * by its comprehensive and dedicated grids with no gaps or overlaps, grids inside their own
 * community, one piece each, household counts within their targets; micro-grids the same way
 * inside their grid. Each check is one set-based query; see TOPOLOGY_THRESHOLDS.
 *
 * `area` narrows the report to issues in that area (a community, or a street or district).
 * Communities checked for gaps: those under the plan's area_code (all of them, so a community
 * without any grid shows as one gap), or, for a plan without one, those its grids name.
 * The caller's `scope` narrows the report as `area` does: issues in no area of it are left out
 * (an issue between a grid in it and one outside names both), and `area` outside it is a 404.
 */
export async function checkTopology(knex: Knex, plan: { id: number; area_code: string | null }, scope: Scope, area?: string): Promise<TopologyReport> {
  let areaScope: Set<string> | undefined;
  if (area) {
    const under = inScope(scope, area) ? await repo.areasUnder(knex, area) : [];
    if (under.length === 0) throw notFound(`area ${area}`);
    areaScope = new Set(under.map((a) => a.code));
  }
  const planCommunities = (plan.area_code
    ? (await repo.areasUnder(knex, plan.area_code)).filter((a) => a.level === 'community').map((a) => a.code)
    : await repo.gridCommunities(knex, plan.id)).filter((c) => inScope(scope, c));
  const gapCommunities = areaScope ? planCommunities.filter((c) => areaScope.has(c)) : planCommunities;

  const t = TOPOLOGY_THRESHOLDS;
  const [gaps, overlaps, grids, outside, across] = await Promise.all([
    repo.gaps(knex, plan.id, gapCommunities, t.gapM2),
    repo.overlaps(knex, plan.id, t.overlapM2),
    repo.gridChecks(knex, plan.id),
    repo.outsideParent(knex, plan.id, t.outsideM2),
    repo.acrossParent(knex, plan.id, t.outsideM2),
  ]);

  const issues: Draft[] = [];
  const sliverOf = (of: 'gap' | 'overlap', base: Draft, r: repo.ProblemFigures, what: string) => {
    if (!isThin(r.areaM2, r.perimeterM)) return;
    issues.push({
      ...base,
      type: 'sliver',
      severity: 'warning',
      of,
      message: `${what} is a sliver: ${m2(r.areaM2)}, Polsby-Popper ${polsbyPopper(r.areaM2, r.perimeterM).toFixed(3)}`,
    });
  };

  for (const g of gaps) {
    const base: Draft = {
      type: 'gap', severity: 'error', gridCodes: g.level === 1 ? [] : [g.key], areaCode: g.areaCode,
      areaM2: g.areaM2, households: g.households, location: g.location, bbox: g.bbox, message: '', areaCodes: [g.areaCode],
      ...(g.level === 2 && { parentGridCode: g.key }),
    };
    const where = g.level === 1 ? `community ${named(g.parentName, g.key)}` : `grid ${g.key}`;
    const by = g.level === 1 ? 'any grid' : 'its micro-grids';
    issues.push({ ...base, message: `${m2(g.areaM2)} of ${where} not covered by ${by}${g.households ? ` (${g.households} households)` : ''}` });
    sliverOf('gap', base, g, `a gap in ${where}`);
  }

  for (const o of overlaps) {
    const what = o.micro ? 'micro-grids' : 'grids';
    const base: Draft = {
      type: 'overlap', severity: 'error', gridCodes: [...o.codes], areaCode: o.areaCodes[0] ?? o.areaCodes[1],
      areaM2: o.areaM2, households: o.households, location: o.location, bbox: o.bbox, message: '', areaCodes: o.areaCodes,
      ...(o.micro && o.parentCodes[0] && { parentGridCode: o.parentCodes[0] }),
    };
    issues.push({ ...base, message: `${what} ${o.codes[0]} and ${o.codes[1]} overlap by ${m2(o.areaM2)}${o.households ? ` (${o.households} households in both)` : ''}` });
    sliverOf('overlap', base, o, `the overlap of ${o.codes[0]} and ${o.codes[1]}`);
  }

  for (const g of grids) {
    const what = g.kind === 'micro' ? 'micro-grid' : 'grid';
    const common = {
      gridCodes: [g.code], areaCode: g.areaCode, location: g.location, bbox: g.bbox, areaCodes: [g.areaCode],
      ...(g.kind === 'micro' && g.parentGridCode && { parentGridCode: g.parentGridCode }),
    };
    if (isThin(g.areaM2, g.perimeterM)) {
      const pp = polsbyPopper(g.areaM2, g.perimeterM);
      issues.push({
        ...common, type: 'sliver', severity: 'warning', of: 'grid', areaM2: g.areaM2,
        message: `${what} ${g.code} is a sliver: ${m2(g.areaM2)}, Polsby-Popper ${pp.toFixed(3)}`,
      });
    }
    if (g.parts > 1) {
      const parentSplit = (g.parentPartsMet ?? 0) > 1;
      const parent = g.kind === 'micro' ? `grid ${g.parentKey}` : `community ${named(g.parentName, g.parentKey ?? '?')}`;
      issues.push({
        ...common, type: 'multipart', severity: parentSplit ? 'info' : 'error', areaM2: g.areaM2,
        message: parentSplit
          ? `${what} ${g.code} has ${g.parts} separate parts, as its ${parent} is itself in separate parts there`
          : `${what} ${g.code} has ${g.parts} separate parts`,
      });
    }
    const ranged = g.kind === 'comprehensive' || g.kind === 'micro';
    if (ranged && (g.households < g.targetMin || g.households > g.targetMax)) {
      const side = g.households < g.targetMin ? 'below' : 'above';
      issues.push({
        ...common, type: 'out_of_range', severity: 'warning', households: g.households,
        message: `${what} ${g.code} has ${g.households} households, ${side} its range ${g.targetMin}–${g.targetMax}`,
      });
    }
  }

  for (const o of outside) {
    const micro = o.kind === 'micro';
    const parent = micro ? `its grid ${o.parentKey}` : `its community ${named(o.parentName, o.parentKey)}`;
    issues.push({
      type: 'outside_parent', severity: 'error', gridCodes: micro ? [o.code, o.parentKey] : [o.code], areaCode: o.areaCode,
      areaM2: o.areaM2, households: o.households, location: o.location, bbox: o.bbox, areaCodes: [o.areaCode],
      ...(micro && { parentGridCode: o.parentKey }),
      message: `${micro ? 'micro-grid' : 'grid'} ${o.code} reaches ${m2(o.areaM2)} outside ${parent}`,
    });
  }

  for (const a of across) {
    const micro = a.kind === 'micro';
    issues.push({
      type: 'across_parent', severity: 'error', gridCodes: micro ? [a.code, a.intoKey] : [a.code], areaCode: a.areaCode,
      areaM2: a.areaM2, households: a.households, location: a.location, bbox: a.bbox, areaCodes: micro ? [a.areaCode] : [a.areaCode, a.intoKey],
      ...(micro ? { parentGridCode: a.parentGridCode ?? undefined } : { intoAreaCode: a.intoKey }),
      message: micro
        ? `micro-grid ${a.code} crosses ${m2(a.areaM2)} into grid ${a.intoKey}`
        : `grid ${a.code} crosses ${m2(a.areaM2)} into community ${named(a.intoName, a.intoKey)}`,
    });
  }

  const seen = (i: Draft) => i.areaCodes.some((c) => inScope(scope, c));
  const kept = issues.filter((i) => seen(i) && (!areaScope || i.areaCodes.some((c) => c !== null && areaScope.has(c))));
  const typeOrder = (t: TopologyType) => TOPOLOGY_TYPES.indexOf(t);
  kept.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      typeOrder(a.type) - typeOrder(b.type) ||
      (a.areaCode ?? '').localeCompare(b.areaCode ?? '') ||
      a.gridCodes.join(',').localeCompare(b.gridCodes.join(',')) ||
      a.location[0] - b.location[0] ||
      a.location[1] - b.location[1],
  );
  const counts = Object.fromEntries(TOPOLOGY_TYPES.map((t) => [t, 0])) as Record<TopologyType, number>;
  for (const i of kept) counts[i.type]++;
  return { planId: plan.id, area: area ?? null, counts, issues: kept.map(({ areaCodes: _, ...issue }) => issue) };
}

import type { Db } from '../db/knex';
import { createRng } from '../geo/prng';
import type { JobContext } from '../jobs/job-registry';
import type { HouseholdRange, PartitionRequest } from '../planning/planning.schema';
import { DEDICATED_SERIAL_START, gridCode, microCode, readingOrder } from './grid-codes';
import { rangeFeasible } from './grid-count';
import {
  communitiesUnder, createPlan, ensureLayer, footprintsFrom, insertCommunityGrids, renameGrids, unchangedSince,
  type Community, type GridRow,
} from './partition.repo';
import { planCommunity, unitsCentre, type PlannedGrid } from './plan-community';
import { communityUnits, type CommunityUnits } from './units.repo';

export const PARTITION_SEED = 1;

export interface PartitionResult {
  planId: number;
  layerId: number;
  communities: number;
  grids: number;
  dedicatedGrids: number;
  microGrids: number;
  households: number;
  /** comprehensive grids within their range, of those in communities where the range is feasible */
  inRangeShare: number;
  seconds: number;
}

/** Rural communities (villages, 村) take the rural range; the rest the urban one. */
export const isRural = (c: Community) => c.name.endsWith('村');

/**
 * Partitions every community under an area into a new draft plan: units and grids are computed
 * community by community (progress 0–85%), then written in one transaction (85–100%), which
 * also records the job as done (ctx.commit), so a crash leaves both or neither.
 * Cancelling (ctx.signal) stops between communities and writes nothing.
 */
export async function partitionArea(db: Db, req: PartitionRequest, ctx: Pick<JobContext, 'signal' | 'progress'> & Partial<Pick<JobContext, 'commit'>>): Promise<PartitionResult> {
  const t0 = Date.now();
  const { area, communities } = await communitiesUnder(db.knex, req.areaCode);
  const footprints = req.dedicatedLayerId !== undefined || req.dedicated
    ? await footprintsFrom(db.knex, { layerId: req.dedicatedLayerId, features: req.dedicated?.features })
    : [];
  const rng = createRng(PARTITION_SEED);
  const planned: { community: Community; cu: CommunityUnits; grids: PlannedGrid[]; range: HouseholdRange }[] = [];
  for (const [i, community] of communities.entries()) {
    ctx.signal.throwIfAborted();
    ctx.progress((85 * i) / communities.length, `${community.name} (${i + 1}/${communities.length})`);
    await yieldToEventLoop(); // the embedded database runs on this thread: let status requests in
    const range = isRural(community) ? req.rural : req.urban;
    const cu = await communityUnits(db.knex, community.code, { footprints: footprints.map((f) => f.geom) });
    const grids = planCommunity(cu, { range, micro: req.micro, rng: rng.fork(), shouldStop: () => ctx.signal.throwIfAborted() });
    planned.push({ community, cu, grids, range });
  }

  ctx.progress(85, 'writing');
  const comprehensive = planned.flatMap((p) => p.grids.filter((g) => g.kind === 'comprehensive').map((g) => ({ g, p })));
  const feasible = comprehensive.filter(({ p }) => rangeFeasible(sum(p.grids.filter((g) => g.kind === 'comprehensive').map((g) => g.households)), p.range));
  const summary = {
    communities: communities.length,
    grids: comprehensive.length,
    dedicatedGrids: planned.reduce((s, p) => s + p.grids.filter((g) => g.kind === 'dedicated').length, 0),
    microGrids: planned.reduce((s, p) => s + p.grids.reduce((t, g) => t + g.micro.length, 0), 0),
    households: planned.reduce((s, p) => s + sum(p.grids.map((g) => g.households)), 0),
    inRangeShare: feasible.length ? feasible.filter(({ g, p }) => g.households >= p.range.min && g.households <= p.range.max).length / feasible.length : 1,
  };
  return db.knex.transaction(async (trx) => {
    const layerId = await ensureLayer(trx, req.layer, area.code);
    const planId = await createPlan(trx, {
      layerId, areaCode: area.code, basedOn: req.basedOn,
      name: req.plan ?? `${area.name} ${new Date().toISOString().slice(0, 19).replace('T', ' ')}`,
      params: { urban: req.urban, rural: req.rural, micro: req.micro, seed: PARTITION_SEED, dedicated: footprints.length },
      summary: { by: 'partition', ...summary },
    });
    for (const [i, p] of planned.entries()) {
      ctx.signal.throwIfAborted();
      const { rows, units } = communityRows(p.community, p.cu, p.grids, p.range, req.micro, footprints);
      await insertCommunityGrids(trx, planId, p.community.code, units, rows);
      ctx.progress(85 + (14 * (i + 1)) / planned.length, 'writing');
      await yieldToEventLoop();
    }
    if (req.basedOn !== undefined) await keepUnchangedCodes(trx, planId, req.basedOn);
    const result: PartitionResult = { planId, layerId, ...summary, seconds: (Date.now() - t0) / 1000 };
    await ctx.commit?.(trx, result); // the job is done when, and only if, its plan is
    return result;
  });
}

/**
 * Codes and figures for one community's grids (comprehensive 001…, dedicated 901…, micro-grids
 * their grid's code + 01…) and the rows of its units, each naming its grid and micro-grid.
 */
function communityRows(community: Community, cu: CommunityUnits, grids: PlannedGrid[], range: HouseholdRange, micro: HouseholdRange | false, footprints: { name: string | null; unitType: string | null }[]) {
  const rows: GridRow[] = [];
  const gridOf = new Map<number, string>();
  const microOf = new Map<number, string>();
  const comprehensive = grids.filter((g) => g.kind === 'comprehensive');
  const dedicated = grids.filter((g) => g.kind === 'dedicated');
  const serials = new Map<PlannedGrid, number>();
  readingOrder(comprehensive.map((g) => g.centre)).forEach((s, i) => serials.set(comprehensive[i], s));
  readingOrder(dedicated.map((g) => g.centre)).forEach((s, i) => serials.set(dedicated[i], DEDICATED_SERIAL_START - 1 + s));
  for (const g of grids) {
    const code = gridCode(community.code, serials.get(g)!);
    const fp = g.footprint === null ? null : footprints[g.footprint];
    rows.push({
      code, kind: g.kind, name: fp?.name ?? null, parentGridCode: null, households: g.households, population: g.population,
      properties: { target_min: range.min, target_max: range.max, rural: isRural(community), ...(fp?.unitType ? { unit_type: fp.unitType } : {}) },
    });
    for (const u of g.units) gridOf.set(u, code);
    if (!micro) continue;
    const serial = readingOrder(g.micro.map((units) => unitsCentre(cu, units)));
    g.micro.forEach((units, i) => {
      const m = microCode(code, serial[i]);
      for (const u of units) microOf.set(u, m);
      rows.push({
        code: m, kind: 'micro', name: null, parentGridCode: code,
        households: sum(units.map((u) => cu.units[u].households)), population: sum(units.map((u) => cu.units[u].population)),
        properties: { target_min: micro.min, target_max: micro.max },
      });
    });
  }
  const units = cu.units.map((u) => ({ geom: u.geom, households: u.households, population: u.population, grid: gridOf.get(u.id)!, micro: microOf.get(u.id) ?? null }));
  return { rows, units };
}

/** Grids identical to one in the base plan take its code; the others renumber around them. */
async function keepUnchangedCodes(trx: Parameters<typeof unchangedSince>[0], planId: number, basePlanId: number) {
  const kept = await unchangedSince(trx, planId, basePlanId);
  const { rows } = await trx.raw(`select code from grids where plan_id = ? and kind <> 'micro' order by code`, [planId]);
  const taken = new Set(kept.values());
  const renames = new Map<string, string>();
  const nextFree = new Map<string, number>();
  for (const { code } of rows as { code: string }[]) {
    if (kept.has(code)) { renames.set(code, kept.get(code)!); continue; }
    const community = code.slice(0, 12);
    const start = Number(code.slice(12)) >= DEDICATED_SERIAL_START ? DEDICATED_SERIAL_START : 1;
    const key = `${community}:${start}`;
    let serial = nextFree.get(key) ?? start;
    while (taken.has(gridCode(community, serial))) serial++;
    renames.set(code, gridCode(community, serial));
    nextFree.set(key, serial + 1);
  }
  await renameGrids(trx, planId, new Map([...renames].filter(([a, b]) => a !== b)));
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

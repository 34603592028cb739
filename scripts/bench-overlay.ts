/**
 * Overlay benchmark on a synthetic city: 12,000 comprehensive grids (a 120 × 100 lattice of
 * ≈190 × 220 m cells) under 1,500 police grids (Voronoi cells of random stations, drawn with no
 * regard to the lattice), 36,000 address points. Times the alignment analysis and the aligned
 * proposal, prints the before/after figures, and in the same run a baseline that computes the
 * same per-pair shares with a naive all-pairs ST_Intersection join (no index filter).
 *
 *   DATABASE_URL=postgres://… npm run bench:overlay -- [--runs 3]
 *
 * Everything is written in one transaction that is rolled back at the end.
 */
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { EVERYWHERE } from '../server/auth/scope';
import { openDb } from '../server/db/knex';
import { alignment, type AlignmentFigures } from '../server/overlay/alignment.repo';
import { acceptProposal, proposeAlignment, type Proposal } from '../server/overlay/proposal';
import type { WorkloadFigures } from '../server/overlay/workload';

/** Thrown to roll the benchmark's transaction back once the figures are printed. */
class Rollback extends Error {}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Math.max(1, Number(values.runs));
const TOLERANCE = 0.2;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async <T>(f: () => Promise<T>): Promise<[number, T]> => {
  const t = performance.now();
  const r = await f();
  return [(performance.now() - t) / 1000, r];
};

/** The naive recipe: every pair of grids, intersected, kept when the intersection has area. */
const NAIVE_SQL = `
select count(*)::int as n from (
  select a.code, b.code, ST_Area(ST_Intersection(a.geom, b.geom)) as area
  from (select code, geom from grids where plan_id = :c) a cross join (select code, geom from grids where plan_id = :p) b
) pairs where area > 0`;

const db = await openDb({ url: process.env.DATABASE_URL });
console.log(`database: ${db.backend}`);
await db.knex.transaction(async (trx) => {
  const [tSetup, { c, p }] = await time(() => syntheticCity(trx));
  console.log(`synthetic city written in ${tSetup.toFixed(1)} s`);

  const alignTimes: number[] = [];
  let before: AlignmentFigures | undefined;
  for (let i = 0; i < runs; i++) {
    const [t, r] = await time(() => alignment(trx, c, p, EVERYWHERE));
    alignTimes.push(t);
    before = r.figures;
  }
  const proposeTimes: number[] = [];
  const balancedTimes: number[] = [];
  let proposal: Proposal | undefined;
  let balanced: Proposal | undefined;
  for (let i = 0; i < runs; i++) {
    const [t, r] = await time(() => proposeAlignment(trx, c, p, EVERYWHERE));
    proposeTimes.push(t);
    proposal = r;
    const [tb, rb] = await time(() => proposeAlignment(trx, c, p, EVERYWHERE, { balance: { tolerance: TOLERANCE } }));
    balancedTimes.push(tb);
    balanced = rb;
  }
  const [tAccept, { planId: accepted, check }] = await time(() => acceptProposal(trx, c, p, proposal!, 'bench proposal', EVERYWHERE));
  const after = (await alignment(trx, c, accepted, EVERYWHERE)).figures;
  const police = (planId: number) => trx.raw(`select count(*)::int as n from grids where plan_id = ?`, [planId]).then((r) => r.rows[0].n as number);
  const [tNaive, naivePairs] = await time(async () => (await trx.raw(NAIVE_SQL, { c, p })).rows[0].n as number);
  const { rows: [ours] } = await trx.raw(`select count(*)::int as n from grids a join grids b on a.geom && b.geom and ST_Intersects(a.geom, b.geom) and ST_Area(ST_Intersection(a.geom, b.geom, 1e-9)) > 0 where a.plan_id = ? and b.plan_id = ?`, [c, p]);

  console.log(`\n| figure | ours | naive all-pairs | ours/naive |`);
  console.log(`|---|---:|---:|---:|`);
  console.log(`| alignment analysis (median of ${runs}), s | ${median(alignTimes).toFixed(2)} | ${tNaive.toFixed(2)} (1 run) | ${(median(alignTimes) / tNaive).toFixed(3)} |`);
  console.log(`| intersecting pairs found | ${ours.n} | ${naivePairs} | |`);
  console.log(`| aligned proposal (median of ${runs}), s | ${median(proposeTimes).toFixed(2)} | | |`);
  console.log(`| aligned proposal with workload balancing (median of ${runs}), s | ${median(balancedTimes).toFixed(2)} | | |`);
  console.log(`| accepting it (union + topology check), s | ${tAccept.toFixed(2)} | | |`);
  console.log(`\n| layer figure | before (today's police grids) | after (proposal) |`);
  console.log(`|---|---:|---:|`);
  const km = (f: AlignmentFigures) => (f.mismatchedBoundaryM === null ? 'n/a' : (f.mismatchedBoundaryM / 1000).toFixed(1));
  console.log(`| police grids | ${await police(p)} | ${await police(accepted)} |`);
  console.log(`| comprehensive grids wholly inside one police grid | ${(before!.wholeShare * 100).toFixed(1)} % | ${(after.wholeShare * 100).toFixed(1)} % |`);
  console.log(`| split comprehensive grids | ${before!.splitGrids} | ${after.splitGrids} |`);
  console.log(`| households in split grids | ${before!.householdsInSplit} | ${after.householdsInSplit} |`);
  console.log(`| sliver area, m² | ${before!.sliverAreaM2.toFixed(0)} | ${after.sliverAreaM2.toFixed(0)} |`);
  console.log(`| mismatched police boundary, km | ${km(before!)} | ${km(after)} |`);
  console.log(`| comprehensive grids changing police grid | | ${proposal!.rows.filter((r) => r.changed).length} |`);
  console.log(`| accepted plan: overlaps / gaps / area error | | ${check.overlaps} / ${check.gaps} / ${check.areaError.toExponential(1)} |`);
  const w = (f: WorkloadFigures) => `${f.minHouseholds.toFixed(0)}–${f.maxHouseholds.toFixed(0)}, cv ${f.cv.toFixed(2)}`;
  console.log(`\n| police workload (households per grid) | today | proposal | proposal, balanced ±${TOLERANCE * 100}% |`);
  console.log(`|---|---:|---:|---:|`);
  console.log(`| min–max, coefficient of variation | ${w(proposal!.workload.today)} | ${w(proposal!.workload.proposed)} | ${w(balanced!.workload.proposed)} |`);
  console.log(`| grids moved by balancing | | | ${balanced!.balanceMoves} |`);
  throw new Rollback();
}).catch((e) => { if (!(e instanceof Rollback)) throw e; });
await db.close();


async function syntheticCity(trx: Knex.Transaction) {
  const layer = async (name: string, kind: string) => {
    const { rows: [l] } = await trx.raw(`insert into grid_layers (name, kind) values (?, ?) returning id`, [`${name} ${Date.now()}`, kind]);
    const { rows: [pl] } = await trx.raw(`insert into grid_plans (layer_id, name) values (?, 'bench') returning id`, [l.id]);
    return pl.id as number;
  };
  const c = await layer('bench comprehensive', 'comprehensive');
  const p = await layer('bench police', 'police');
  const extent = `ST_MakeEnvelope(118.7, 31.9, 118.7 + 120 * 0.002, 31.9 + 100 * 0.002, 4326)`;
  await trx.raw(`select setseed(0.42)`);
  await trx.raw(
    `insert into grids (plan_id, code, kind, households, geom)
     select ?, i || '_' || j, 'comprehensive', 0, ST_Multi(ST_SetSRID(geom, 4326))
     from ST_SquareGrid(0.002, ${extent}) where ST_Within(ST_Centroid(geom), ${extent})`,
    [c],
  );
  await trx.raw(
    `insert into address_points (households, population, geom)
     select h, round(h * 2.6), pt from (
       select (1 + floor(random() * 80))::int as h, (ST_Dump(ST_GeneratePoints(geom, 3, 7))).geom as pt from grids where plan_id = ?
     ) s`,
    [c],
  );
  await trx.raw(`update grids g set households = s.h from (select g2.id, sum(a.households) as h from grids g2 join address_points a on a.geom && g2.geom and ST_Covers(g2.geom, a.geom) where g2.plan_id = ? group by g2.id) s where g.id = s.id`, [c]);
  await trx.raw(
    `insert into grids (plan_id, code, kind, geom)
     select ?, 'P' || lpad(row_number() over (order by ST_XMin(v.geom), ST_YMin(v.geom))::text, 4, '0'), 'police', ST_Multi(ST_Intersection(v.geom, ${extent}))
     from ST_Dump(ST_VoronoiPolygons(ST_GeneratePoints(${extent}, 1500, 11), 0, ${extent})) v`,
    [p],
  );
  await trx.raw('analyze grids');
  await trx.raw('analyze address_points');
  return { c, p };
}

/**
 * Partition benchmark: our partition against the classic PostGIS recipe (k-means + Voronoi)
 * on the same data, for the whole demo district and one dense street, with ratios.
 *
 *   DATABASE_URL=postgres://… npm run bench:partition -- [--runs 3]
 *
 * Without DATABASE_URL it runs on a fresh embedded database, where the partition works but the
 * figures' line overlays can fail in the embedded GEOS (it then says so).
 *
 * Seeds the Qixia demo when the database has none. Wall times are medians of --runs runs.
 */
import { parseArgs } from 'node:util';
import { progressBar } from '../server/cli/progress';
import { openDb } from '../server/db/knex';
import { isEmpty, seedDemo } from '../server/demo/seed';
import { kmeansVoronoiPlan } from '../server/partition/kmeans-voronoi-baseline';
import { partitionArea } from '../server/partition/partition.service';
import { planFigures, type PlanFigures } from '../server/partition/plan-figures';
import { partitionRequest } from '../server/planning/planning.schema';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Math.max(1, Number(values.runs));
const AREAS = [
  { code: '320113000000', label: 'Qixia district (栖霞区)' },
  { code: '320113003000', label: 'dense street (迈皋桥街道)' },
];

const db = await openDb({ url: process.env.DATABASE_URL });
console.log(`database: ${db.backend}`);
if (await isEmpty(db)) {
  const bar = progressBar('seeding Qixia demo');
  await seedDemo(db, (pct, stage) => bar.update(pct, stage));
  bar.done();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stamp = Date.now();
for (const area of AREAS) {
  const req = partitionRequest.parse({ areaCode: area.code, micro: false, layer: `bench ${stamp}` });
  const ours: { seconds: number; planId: number }[] = [];
  const base: { seconds: number; planId: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const bar = progressBar(`${area.label} run ${i + 1}/${runs}`);
    let t = performance.now();
    const r = await partitionArea(db, { ...req, plan: `bench ${stamp} ${area.code} ${i}` }, { signal: new AbortController().signal, progress: (p, s) => bar.update(p, s) });
    ours.push({ seconds: (performance.now() - t) / 1000, planId: r.planId });
    bar.done();
    t = performance.now();
    const planId = await kmeansVoronoiPlan(db.knex, area.code, req, `bench baseline ${stamp}`);
    base.push({ seconds: (performance.now() - t) / 1000, planId });
  }
  const [a, b] = await Promise.all([planFigures(db.knex, ours[0].planId, area.code), planFigures(db.knex, base[0].planId, area.code)]);
  printTable(area.label, median(ours.map((r) => r.seconds)), a, median(base.map((r) => r.seconds)), b);
}
await db.close();

function printTable(label: string, tOurs: number, ours: PlanFigures, tBase: number, base: PlanFigures) {
  const rows: [string, number, number, (x: number) => string, string][] = [
    ['wall time (median), s', tOurs, tBase, (x) => x.toFixed(2), 'lower'],
    ['grids', ours.grids, base.grids, (x) => String(x), ''],
    ['in range (feasible), %', ours.inRangeShare * 100, base.inRangeShare * 100, (x) => x.toFixed(1), 'higher'],
    ['out of range (feasible), %', 100 - ours.inRangeShare * 100, 100 - base.inRangeShare * 100, (x) => x.toFixed(1), 'lower'],
    ['single-part (connected ground), %', ours.singlePartShare * 100, base.singlePartShare * 100, (x) => x.toFixed(1), 'higher'],
    ['coverage error', ours.coverageError, base.coverageError, (x) => x.toExponential(2), 'lower'],
    ['overlap area, m²', ours.overlapM2, base.overlapM2, (x) => x.toFixed(2), 'lower'],
    ['boundary on barriers (≤5 m), %', ours.boundaryOnBarrierShare * 100, base.boundaryOnBarrierShare * 100, (x) => x.toFixed(1), 'higher'],
    ['mean Polsby-Popper', ours.meanPolsbyPopper, base.meanPolsbyPopper, (x) => x.toFixed(3), 'higher'],
  ];
  console.log(`\n${label}`);
  console.log(`| figure | ours | k-means+Voronoi | ours/baseline |`);
  console.log(`|---|---:|---:|---:|`);
  for (const [name, o, b, fmt] of rows) {
    const ratio = b === 0 ? (o === 0 ? '1' : '∞') : (o / b).toFixed(2);
    console.log(`| ${name} | ${fmt(o)} | ${fmt(b)} | ${ratio} |`);
  }
}

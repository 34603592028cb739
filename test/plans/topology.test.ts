import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { insertSquareDistrict } from '../helpers/areas-fixture';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { boxesAreaM2, boxSql, EAST_STREET, insertPlan, NE, NW, SE, splitCommunities, SW, type Box, type Frame, type GridSpec } from './plan-fixture';

let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;
let o: Frame;
let flawed: number;
let clean: number;

/**
 * A plan with one of each flaw (district units, 1 ≈ 1 km; households set so that only SE 001
 * is out of its default 300–500 range):
 *
 *   NW: 001 x 0..0.3, 002 x 0.35..1            → a gap x 0.3..0.35
 *   SW: 001 x 0..0.6, 002 x 0.55..1            → an overlap x 0.55..0.6
 *   NE: 001 x 1..1.2 and 1.8..2, 002 x 1.2..1.8 → 001 is in two parts
 *   SE: 003 x 1..1.4, y 0..0.002 (a 2 m strip: sliver), 001 above it (520 households),
 *       002 x 1.4..2 reaching y 0.55 → 0.05 into NE: outside its community, across into NE,
 *       and overlapping NE 001 and NE 002
 *   micro-grids of NW 002: 00201 x 0.35..0.7, 00202 x 0.65..1, y ..0.9 → overlap and gap
 *   micro-grid of NW 001: 00101 x 0..0.33, y 0.5..0.6 → reaches outside NW 001, leaves a gap in it
 */
const grid = (code: string, area: string, boxes: Box[], extra: Partial<GridSpec> = {}): GridSpec => ({ code, area, boxes, households: 400, ...extra });
const flawedGrids: GridSpec[] = [
  grid(`${NW}001`, NW, [[0, 0.5, 0.3, 1]]),
  grid(`${NW}002`, NW, [[0.35, 0.5, 1, 1]]),
  grid(`${SW}001`, SW, [[0, 0, 0.6, 0.5]]),
  grid(`${SW}002`, SW, [[0.55, 0, 1, 0.5]]),
  grid(`${NE}001`, NE, [[1, 0.5, 1.2, 1], [1.8, 0.5, 2, 1]]),
  grid(`${NE}002`, NE, [[1.2, 0.5, 1.8, 1]]),
  grid(`${SE}001`, SE, [[1, 0.002, 1.4, 0.5]], { households: 520 }),
  grid(`${SE}002`, SE, [[1.4, 0, 2, 0.55]]),
  grid(`${SE}003`, SE, [[1, 0, 1.4, 0.002]]),
  grid(`${NW}00201`, NW, [[0.35, 0.5, 0.7, 1]], { kind: 'micro', parent: `${NW}002`, households: 30 }),
  grid(`${NW}00202`, NW, [[0.65, 0.5, 1, 0.9]], { kind: 'micro', parent: `${NW}002`, households: 30 }),
  grid(`${NW}00101`, NW, [[0, 0.5, 0.33, 0.6]], { kind: 'micro', parent: `${NW}001`, households: 30 }),
];

/** A community in two parts east of the district, for a multi-part grid that is fine there. */
const ENCLAVE = '320113001003';

beforeAll(async () => {
  db = await createTestDb();
  o = await insertSquareDistrict(db.knex);
  // no area_code: the communities checked for gaps are those its grids name
  flawed = await insertPlan(db.knex, o, { layer: '综合网格', name: 'flawed', areaCode: null, grids: flawedGrids });
  await db.knex.raw(
    `insert into admin_areas (code, name, level, parent_code, geom) values (?, '飞地社区', 'community', ?, ST_Multi(ST_Union(${boxSql(o, [2.2, 0, 2.4, 0.5])}, ${boxSql(o, [2.6, 0, 2.8, 0.5])})))`,
    [ENCLAVE, EAST_STREET],
  );
  clean = await insertPlan(db.knex, o, {
    layer: '综合网格',
    name: 'clean',
    grids: [
      ...splitCommunities({ nw: 0.3, sw: 0.3, ne: 1.3, se: 1.3 }).map((g) => ({ ...g, households: 400 })),
      grid(`${ENCLAVE}001`, ENCLAVE, [[2.2, 0, 2.4, 0.5], [2.6, 0, 2.8, 0.5]]),
      grid(`${NW}00101`, NW, [[0, 0.5, 0.3, 0.75]], { kind: 'micro', parent: `${NW}001`, households: 25 }),
      grid(`${NW}00102`, NW, [[0, 0.75, 0.3, 1]], { kind: 'micro', parent: `${NW}001`, households: 25 }),
    ],
  });
  http = await serveApp(db);
});
afterAll(async () => {
  await http?.close();
  await db?.close();
});

const getJson = async (path: string) => {
  const res = await fetch(http.url(path));
  return { status: res.status, body: await res.json() };
};
const area = (boxes: Box[]) => boxesAreaM2(db.knex, o, boxes);
const find = (issues: any[], type: string, codes: string[]) => {
  const hits = issues.filter((i) => i.type === type && JSON.stringify(i.gridCodes) === JSON.stringify(codes));
  expect(hits, `${type} ${codes.join(',')}`).toHaveLength(1);
  return hits[0];
};
/** The point lies in the box (district units), with a hair of tolerance. */
const inBox = ([lng, lat]: [number, number], [x1, y1, x2, y2]: Box) => {
  const x = (lng - o.x0) / o.dx, y = (lat - o.y0) / o.dy;
  return x >= x1 - 1e-9 && x <= x2 + 1e-9 && y >= y1 - 1e-9 && y <= y2 + 1e-9;
};

describe('plan topology', () => {
  it('when a plan with one of each flaw is checked, then each is counted once by type', async () => {
    const { status, body } = await getJson(`/api/plans/${flawed}/topology`);
    expect(status).toBe(200);
    expect(body.planId).toBe(flawed);
    expect(body.counts).toEqual({ gap: 3, overlap: 4, sliver: 1, multipart: 1, outside_parent: 2, across_parent: 1, out_of_range: 1 });
    expect(body.issues).toHaveLength(13);
    // errors first, then warnings
    const severities = body.issues.map((i: any) => i.severity);
    expect(severities).toEqual([...severities].sort((a: string, b: string) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)));
  });

  it('when gaps are found, then each names its community or grid, its area and a point inside it', async () => {
    const { body } = await getJson(`/api/plans/${flawed}/topology`);
    const community = find(body.issues, 'gap', []);
    expect(community).toMatchObject({ severity: 'error', areaCode: NW, households: 0 });
    expect(community.areaM2).toBeCloseTo(await area([[0.3, 0.5, 0.35, 1]]), 1);
    expect(community.areaM2).toBeGreaterThan(24_000);
    expect(inBox(community.location, [0.3, 0.5, 0.35, 1])).toBe(true);
    expect(community.bbox[0]).toBeCloseTo(o.x0 + 0.3 * o.dx, 9);
    expect(community.bbox[2]).toBeCloseTo(o.x0 + 0.35 * o.dx, 9);
    expect(community.message).toMatch(/^24,9\d\d m² of community 西北社区 \(320113002001\) not covered by any grid$/);

    const micro2 = find(body.issues, 'gap', [`${NW}002`]);
    expect(micro2).toMatchObject({ parentGridCode: `${NW}002`, areaCode: NW });
    expect(micro2.areaM2).toBeCloseTo(await area([[0.7, 0.9, 1, 1]]), 1);
    expect(inBox(micro2.location, [0.7, 0.9, 1, 1])).toBe(true);
    const micro1 = find(body.issues, 'gap', [`${NW}001`]);
    expect(micro1.areaM2).toBeCloseTo(await area([[0, 0.6, 0.3, 1]]), 1);
    expect(micro1.message).toContain(`of grid ${NW}001 not covered by its micro-grids`);
  });

  it('when grids overlap, then each pair is one issue with the shared area and the households in it', async () => {
    const { body } = await getJson(`/api/plans/${flawed}/topology`);
    const sw = find(body.issues, 'overlap', [`${SW}001`, `${SW}002`]);
    expect(sw.areaM2).toBeCloseTo(await area([[0.55, 0, 0.6, 0.5]]), 1);
    expect(sw.households).toBe(0);
    expect(inBox(sw.location, [0.55, 0, 0.6, 0.5])).toBe(true);
    expect(find(body.issues, 'overlap', [`${NE}001`, `${SE}002`]).areaM2).toBeCloseTo(await area([[1.8, 0.5, 2, 0.55]]), 1);
    expect(find(body.issues, 'overlap', [`${NE}002`, `${SE}002`]).areaM2).toBeCloseTo(await area([[1.4, 0.5, 1.8, 0.55]]), 1);
    const micro = find(body.issues, 'overlap', [`${NW}00201`, `${NW}00202`]);
    expect(micro.areaM2).toBeCloseTo(await area([[0.65, 0.5, 0.7, 0.9]]), 1);
    expect(micro.message).toMatch(/^micro-grids 32011300200100201 and 32011300200100202 overlap by 19,9\d\d m²$/);
  });

  it('when a grid is thin, in two parts, outside or across its community or out of range, then it is named with its figures', async () => {
    const { body } = await getJson(`/api/plans/${flawed}/topology`);
    const sliver = find(body.issues, 'sliver', [`${SE}003`]);
    expect(sliver).toMatchObject({ severity: 'warning', of: 'grid', areaCode: SE });
    expect(sliver.areaM2).toBeCloseTo(await area([[1, 0, 1.4, 0.002]]), 1);
    expect(sliver.areaM2).toBeGreaterThan(100); // thin, not small: caught by Polsby-Popper
    expect(sliver.message).toMatch(/is a sliver: 7\d\d m², Polsby-Popper 0\.01\d$/);

    expect(find(body.issues, 'multipart', [`${NE}001`])).toMatchObject({ severity: 'error', areaCode: NE, message: `grid ${NE}001 has 2 separate parts` });

    const outside = find(body.issues, 'outside_parent', [`${SE}002`]);
    expect(outside.areaM2).toBeCloseTo(await area([[1.4, 0.5, 2, 0.55]]), 1);
    expect(inBox(outside.location, [1.4, 0.5, 2, 0.55])).toBe(true);
    expect(outside.message).toMatch(/^grid 320113001002002 reaches 29,9\d\d m² outside its community 东南社区 \(320113001002\)$/);
    const microOutside = find(body.issues, 'outside_parent', [`${NW}00101`, `${NW}001`]);
    expect(microOutside.areaM2).toBeCloseTo(await area([[0.3, 0.5, 0.33, 0.6]]), 1);

    const across = find(body.issues, 'across_parent', [`${SE}002`]);
    expect(across).toMatchObject({ severity: 'error', areaCode: SE, intoAreaCode: NE });
    expect(across.areaM2).toBeCloseTo(outside.areaM2, 3);
    expect(across.message).toContain('into community 东北社区 (320113001001)');

    expect(find(body.issues, 'out_of_range', [`${SE}001`])).toMatchObject({
      severity: 'warning', households: 520, message: `grid ${SE}001 has 520 households, above its range 300–500`,
    });
  });

  it('when the report is narrowed to an area, then only issues in it (or reaching into it) remain', async () => {
    const ne = await getJson(`/api/plans/${flawed}/topology?area=${NE}`);
    expect(ne.body.area).toBe(NE);
    expect(ne.body.counts).toEqual({ gap: 0, overlap: 2, sliver: 0, multipart: 1, outside_parent: 0, across_parent: 1, out_of_range: 0 });
    const east = await getJson(`/api/plans/${flawed}/topology?area=${EAST_STREET}`);
    expect(east.body.counts).toEqual({ gap: 0, overlap: 2, sliver: 1, multipart: 1, outside_parent: 1, across_parent: 1, out_of_range: 1 });
    const nw = await getJson(`/api/plans/${flawed}/topology?area=${NW}`);
    expect(nw.body.counts).toMatchObject({ gap: 3, overlap: 1, outside_parent: 1 });
  });

  it('when a plan tiles its communities exactly, then nothing is reported but a multi-part grid of a multi-part community, as info', async () => {
    const { body } = await getJson(`/api/plans/${clean}/topology`);
    expect(body.counts).toEqual({ gap: 0, overlap: 0, sliver: 0, multipart: 1, outside_parent: 0, across_parent: 0, out_of_range: 0 });
    expect(body.issues[0]).toMatchObject({ type: 'multipart', severity: 'info', gridCodes: [`${ENCLAVE}001`], areaCode: ENCLAVE });
    expect(body.issues[0].message).toContain('as its community 飞地社区 (320113001003) is itself in separate parts there');
  });

  it('when a plan has no grid in a community of its area, then the whole community is one gap', async () => {
    const partial = await insertPlan(db.knex, o, {
      layer: '综合网格', name: 'partial', areaCode: EAST_STREET,
      grids: splitCommunities({ nw: 0.3, sw: 0.3, ne: 1.3, se: 1.3 }).filter((g) => g.area === NE).map((g) => ({ ...g, households: 400 })),
    });
    const { body } = await getJson(`/api/plans/${partial}/topology`);
    // the plan covers 东街道: 东北 is tiled, 东南 and the enclave have no grid; the west street is not checked
    expect(body.counts.gap).toBe(3);
    const gaps = body.issues.filter((i: any) => i.type === 'gap');
    expect(gaps.map((g: any) => g.areaCode)).toEqual([SE, ENCLAVE, ENCLAVE]);
    // the gap has extra vertices where the NE grids' corners meet its edge, and geodesic edges
    // between more vertices enclose a few m² less: within 0.01 ‰
    expect(Math.abs(gaps[0].areaM2 - (await area([[1, 0, 2, 0.5]])))).toBeLessThan(10);
    expect(gaps[0].households).toBe(5);
  });

  it('when grids are cut from a community with slanted edges, then rounding along the shared edges is no gap, overlap or crossing', async () => {
    // a quadrilateral community east of the district, cut into 8 vertical strips by ST_Intersection,
    // as a partitioner would: the strips' corners on the slanted edges are rounded off the edges
    const P = (x: number, y: number) => `${o.x0 + x * o.dx} ${o.y0 + y * o.dy}`;
    const SLANTED = '320113001004';
    await db.knex.raw(
      `insert into admin_areas (code, name, level, parent_code, geom)
       values (?, '斜边社区', 'community', ?, ST_Multi(ST_GeomFromText('POLYGON((${P(3, 0)}, ${P(4.1, 0.13)}, ${P(3.93, 0.97)}, ${P(3.07, 1.11)}, ${P(3, 0)}))', 4326)))`,
      [SLANTED, EAST_STREET],
    );
    const { rows } = await db.knex.raw(`insert into grid_plans (layer_id, name, area_code) select id, 'strips', ? from grid_layers where name = '综合网格' returning id`, [SLANTED]);
    const strips = Number(rows[0].id);
    await db.knex.raw(
      `insert into grids (plan_id, code, kind, area_code, households, geom)
       select ?, c.code || lpad(s::text, 3, '0'), 'comprehensive', c.code, 400,
              ST_Multi(ST_CollectionExtract(ST_Intersection(c.geom, ST_MakeEnvelope(
                ST_XMin(c.geom) + (ST_XMax(c.geom) - ST_XMin(c.geom)) * (s - 1) / 8.0, ST_YMin(c.geom) - 0.01,
                ST_XMin(c.geom) + (ST_XMax(c.geom) - ST_XMin(c.geom)) * s / 8.0, ST_YMax(c.geom) + 0.01, 4326)), 3))
         from admin_areas c, generate_series(1, 8) s where c.code = ?`,
      [strips, SLANTED],
    );
    const { body } = await getJson(`/api/plans/${strips}/topology`);
    expect(body.counts).toEqual({ gap: 0, overlap: 0, sliver: 0, multipart: 0, outside_parent: 0, across_parent: 0, out_of_range: 0 });
    // and a plan compared with a copy whose grids were recomputed the same way is unchanged
    const { rows: copy } = await db.knex.raw(`insert into grid_plans (layer_id, name, area_code) select layer_id, 'strips copy', area_code from grid_plans where id = ? returning id`, [strips]);
    await db.knex.raw(
      `insert into grids (plan_id, code, kind, area_code, households, geom)
       select ?, code, kind, area_code, households, ST_Multi(ST_CollectionExtract(ST_Intersection(geom, ST_Expand(geom, 0.001)), 3)) from grids where plan_id = ?`,
      [copy[0].id, strips],
    );
    const diff = await getJson(`/api/plans/${strips}/diff/${copy[0].id}`);
    expect(diff.body).toMatchObject({ added: [], removed: [], reshaped: [], unchanged: 8, moves: [] });
  });

  it('when a plan has about a thousand grids, then the check stays fast and finds the one missing grid', async () => {
    // a 50 × 20 lattice of ≈ 40 m × 50 m grids over the district, less one; edges cut every ≈ 2 m,
    // so each grid has ~90 vertices like a drawn boundary, and neighbours' shared edges agree only to rounding
    const { rows } = await db.knex.raw(`insert into grid_plans (layer_id, name, area_code) select id, 'lattice', '320113000000' from grid_layers where name = '综合网格' returning id`);
    const lattice = Number(rows[0].id);
    await db.knex.raw(
      `insert into grids (plan_id, code, kind, area_code, households, geom)
       select ?, 'L' || lpad(i::text, 2, '0') || lpad(j::text, 2, '0'), 'comprehensive',
              case when j < 10 then (case when i < 25 then ? else ? end) else (case when i < 25 then ? else ? end) end,
              400, ST_Multi(ST_Segmentize(ST_MakeEnvelope(?::float8 + i * ?::float8, ?::float8 + j * ?::float8, ?::float8 + (i + 1) * ?::float8, ?::float8 + (j + 1) * ?::float8, 4326), 0.00002))
         from generate_series(0, 49) i, generate_series(0, 19) j
        where not (i = 7 and j = 13)`,
      [lattice, SW, SE, NW, NE, o.x0, o.dx / 25, o.y0, o.dy / 20, o.x0, o.dx / 25, o.y0, o.dy / 20],
    );
    const t0 = performance.now();
    const { status, body } = await getJson(`/api/plans/${lattice}/topology`);
    const ms = performance.now() - t0;
    expect(status).toBe(200);
    // the enclave and the slanted community have no grid in this plan: three more gaps
    expect(body.counts).toEqual({ gap: 4, overlap: 0, sliver: 0, multipart: 0, outside_parent: 0, across_parent: 0, out_of_range: 0 });
    const hole = body.issues.find((i: any) => i.areaCode === NW);
    expect(hole.areaM2).toBeCloseTo(await area([[7 / 25, 13 / 20, 8 / 25, 14 / 20]]), 1);
    console.log(`topology of 999 grids (${db.backend}): ${Math.round(ms)} ms`);
    expect(ms).toBeLessThan(db.backend === 'embedded' ? 15_000 : 5_000); // measured: ≈ 2.5 s and 0.6 s
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYWHERE } from '../../server/auth/scope';
import { createApiToken } from '../../server/auth/tokens.repo';
import { dataVersion } from '../../server/db/data-versions';
import type { Db } from '../../server/db/knex';
import { findTileSource } from '../../server/tiles/sources';
import { createTileCache } from '../../server/tiles/tile-cache';
import { encodeWithPostgis, encodeWithVtPbf, postgisHasMvt } from '../../server/tiles/tiles.repo';
import { createTileService } from '../../server/tiles/tiles.service';
import { buildPlan, code, insertEditingWorld, NE, type Frame } from '../editing/plan-fixture';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { decodeLayer, tileOf } from '../helpers/tiles';

const EAST_STREET = '320113001000';

let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;
let o: Frame;
/** Tile encodings run against the database so far (both encoders filter by ST_TileEnvelope). */
let encodings = 0;

beforeAll(async () => {
  db = await createTestDb();
  o = await insertEditingWorld(db.knex);
  await buildPlan(db.knex, o);
  http = await serveApp(db);
  db.knex.on('query', (q: { sql: string }) => { if (q.sql.includes('ST_TileEnvelope')) encodings++; });
});
afterAll(async () => {
  await http?.close();
  await db?.close();
});

/** The district's z12 tile of a source: every area, grid and point of the test world lies in it. */
const districtTile = (source: string) => {
  const t = tileOf(o.x0 + o.dx, o.y0 + o.dy / 2, 12);
  return `/tiles/${source}/${t.z}/${t.x}/${t.y}.mvt`;
};

/** Fetches a tile and counts the encodings it cost. */
async function fetchTile(path: string, headers: Record<string, string> = {}) {
  const before = encodings;
  const res = await fetch(http.url(path), { headers });
  expect(res.status).toBe(200);
  const body = new Uint8Array(await res.arrayBuffer());
  return { body, encodings: encodings - before };
}

const gridsOf = (body: Uint8Array) => decodeLayer(body, 'grids').map((f) => ({ code: f.properties.code, name: f.properties.name }));
const gridCodes = (body: Uint8Array) => gridsOf(body).map((g) => g.code).sort();

describe('the tile cache', () => {
  it('when a byte budget is passed, then the least recently used tiles go first', () => {
    const cache = createTileCache(3 * (1000 + 200));
    const tile = (version: number) => ({ body: Buffer.alloc(1000), version });
    cache.set('a', tile(1));
    cache.set('b', tile(1));
    cache.set('c', tile(1));
    expect(cache.get('a', 1)).toBeDefined(); // a is now the most recent
    cache.set('d', tile(1));
    expect(cache.get('b', 1)).toBeUndefined();
    expect(['a', 'c', 'd'].every((k) => cache.get(k, 1))).toBe(true);
    expect(cache.bytes).toBeLessThanOrEqual(3 * 1200);
  });

  it('when an entry was drawn under another version, then it is not served, and an older tile never replaces a newer one', () => {
    const cache = createTileCache(1 << 20);
    cache.set('a', { body: Buffer.from('v2'), version: 2 });
    expect(cache.get('a', 3)).toBeUndefined();
    cache.set('a', { body: Buffer.from('v1'), version: 1 });
    expect(cache.get('a', 2)?.toString()).toBe('v2');
  });

  it('when the budget is 0, then nothing is kept', () => {
    const cache = createTileCache(0);
    cache.set('a', { body: Buffer.from('x'), version: 1 });
    expect(cache.size).toBe(0);
  });
});

describe('cached vector tiles', () => {
  it('when a tile is asked again, then the same bytes come back without a tile query', async () => {
    const first = await fetchTile(districtTile('areas'));
    expect(first.encodings).toBe(1);
    expect(decodeLayer(first.body, 'areas')).toHaveLength(7);
    const again = await fetchTile(districtTile('areas'));
    expect(again.encodings).toBe(0);
    expect(again.body).toEqual(first.body);
  });

  it('when requests miss the same tile at once, then one encoding serves them all', async () => {
    const tiles = createTileService(db, { cacheBytes: 1 << 20 });
    const t = tileOf(o.x0 + o.dx, o.y0 + o.dy / 2, 13);
    const before = encodings;
    const bodies = await Promise.all([1, 2, 3].map(() => tiles.tile(findTileSource('grids')!, t, EVERYWHERE)));
    expect(encodings - before).toBe(1);
    expect(bodies[1]).toBe(bodies[0]);
    expect(bodies[2]).toBe(bodies[0]);
  });

  it('when a grid is inserted, renamed, then deleted by SQL, then each next tile shows it', async () => {
    const path = districtTile('grids');
    const planGrids = gridCodes((await fetchTile(path)).body);
    expect(planGrids).toContain(code.A);
    expect((await fetchTile(path)).encodings).toBe(0);

    const { rows: [plan] } = await db.knex.raw(`select plan_id from grids where code = ?`, [code.A]);
    const added = `${NE}001`;
    await db.knex.raw(
      `insert into grids (plan_id, code, kind, area_code, name, geom) select ?, ?, 'comprehensive', code, '东北1号', geom from admin_areas where code = ?`,
      [plan.plan_id, added, NE]);
    const afterInsert = await fetchTile(path);
    expect(afterInsert.encodings).toBe(1);
    expect(gridCodes(afterInsert.body)).toEqual([...planGrids, added].sort());

    await db.knex.raw(`update grids set name = '东北一号' where code = ?`, [added]);
    expect(gridsOf((await fetchTile(path)).body).find((g) => g.code === added)?.name).toBe('东北一号');

    await db.knex.raw(`delete from grids where code = ?`, [added]);
    expect(gridCodes((await fetchTile(path)).body)).toEqual(planGrids);
    expect((await fetchTile(path)).encodings).toBe(0);
  });

  it('when two draft grids are merged through the edit API, then the next tile holds the grids as the database now does', async () => {
    const p = await buildPlan(db.knex, o);
    const path = districtTile('grids');
    const storedCodes = async () => (await db.knex.raw(`select code from grids order by code`)).rows.map((r: { code: string }) => r.code);
    expect(gridCodes((await fetchTile(path)).body)).toEqual(await storedCodes());
    expect((await fetchTile(path)).encodings).toBe(0);

    const res = await fetch(http.url(`/api/plans/${p.planId}/edits`), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ op: 'merge', grids: [code.B, code.A] }),
    });
    expect(res.status).toBe(201);
    const { rows: [{ n }] } = await db.knex.raw(`select count(*)::int as n from grids where plan_id = ? and code = ?`, [p.planId, code.B]);
    expect(n).toBe(0);
    const after = await fetchTile(path);
    expect(after.encodings).toBe(1);
    expect(gridCodes(after.body)).toEqual(await storedCodes());
  });

  it("when an admin fetched a tile first, then a street's user of the same tile gets only their street, and barriers are shared", async () => {
    const { secret } = await createApiToken(db.knex, { name: 'east street viewer', role: 'viewer', areaCode: EAST_STREET });
    const east = { authorization: `Bearer ${secret}` };
    const eastGrid = `${NE}009`;
    await db.knex.raw(
      `insert into grids (plan_id, code, kind, area_code, name, geom)
       select plan_id, ?, 'comprehensive', ?, '东北9号', (select geom from admin_areas where code = ?) from grids where code = ? limit 1`,
      [eastGrid, NE, NE, code.A]);

    const adminAreas = (await fetchTile(districtTile('areas'))).body;
    expect(decodeLayer(adminAreas, 'areas')).toHaveLength(7);
    const adminGrids = gridCodes((await fetchTile(districtTile('grids'))).body);
    expect(adminGrids).toContain(code.A);
    expect(adminGrids).toContain(eastGrid);

    const eastAreas = await fetchTile(districtTile('areas'), east);
    expect(eastAreas.encodings).toBe(1);
    expect(decodeLayer(eastAreas.body, 'areas').map((f) => f.properties.code).sort()).toEqual([EAST_STREET, '320113001001', '320113001002']);
    const eastGrids = await fetchTile(districtTile('grids'), east);
    expect(eastGrids.encodings).toBe(1);
    expect(gridCodes(eastGrids.body)).toEqual([eastGrid]);

    expect((await fetchTile(districtTile('barriers'))).encodings).toBe(1);
    expect((await fetchTile(districtTile('barriers'), east)).encodings).toBe(0);
  });

  it('when either encoder draws a tile, then it carries the tiles version of the committed data it read', async () => {
    const src = findTileSource('grids')!;
    const t = tileOf(o.x0 + o.dx, o.y0 + o.dy / 2, 12);
    const before = await dataVersion(db.knex, 'tiles');
    await db.knex.raw(`update grids set name = name where code = ?`, [code.C]);
    const now = await dataVersion(db.knex, 'tiles');
    expect(now).toBeGreaterThan(before);
    expect((await encodeWithVtPbf(db.knex, src, t, EVERYWHERE)).version).toBe(now);
    if (await postgisHasMvt(db.knex)) expect((await encodeWithPostgis(db.knex, src, t, EVERYWHERE)).version).toBe(now);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYWHERE } from '../../server/auth/scope';
import type { Db } from '../../server/db/knex';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { insertSquareDistrict } from '../helpers/areas-fixture';
import { findTileSource } from '../../server/tiles/sources';
import { encodeWithPostgis, encodeWithVtPbf, postgisHasMvt } from '../../server/tiles/tiles.repo';
import { decodeLayer as decode, tileOf } from '../helpers/tiles';

let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;
let origin: { x0: number; y0: number; dx: number; dy: number };

beforeAll(async () => {
  db = await createTestDb();
  origin = await insertSquareDistrict(db.knex);
  http = await serveApp(db);
});
afterAll(async () => {
  await http?.close();
  await db?.close();
});

describe('vector tiles', () => {
  it('when a tile over the district is fetched, then it decodes to the 7 areas with their codes and levels', async () => {
    const t = tileOf(origin.x0 + origin.dx, origin.y0 + origin.dy / 2, 12);
    const res = await fetch(http.url(`/tiles/areas/${t.z}/${t.x}/${t.y}.mvt`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    const features = decode(await res.arrayBuffer(), 'areas');
    const byLevel = (level: string) => features.filter((f) => f.properties.level === level).map((f) => f.properties.code).sort();
    expect(byLevel('district')).toEqual(['320113000000']);
    expect(byLevel('street')).toEqual(['320113001000', '320113002000']);
    expect(byLevel('community')).toHaveLength(4);
    expect(features.every((f) => f.type === 3)).toBe(true);
  });

  it('when a polygon is decoded back to lng/lat, then its corners are where they were stored (within a pixel)', async () => {
    const t = tileOf(origin.x0 + origin.dx, origin.y0 + origin.dy / 2, 14);
    const buf = await (await fetch(http.url(`/tiles/areas/${t.z}/${t.x}/${t.y}.mvt`))).arrayBuffer();
    const west = decode(buf, 'areas').find((f) => f.properties.code === '320113002001')!;
    const gj = west.toGeoJSON(t.x, t.y, t.z);
    const ring = (gj.geometry.type === 'Polygon' ? gj.geometry.coordinates[0] : (gj.geometry as any).coordinates[0][0]) as number[][];
    const lngs = ring.map((p) => p[0]);
    const lats = ring.map((p) => p[1]);
    const pixelDeg = 360 / 2 ** t.z / 4096;
    expect(Math.min(...lngs)).toBeCloseTo(origin.x0, 4);
    expect(Math.abs(Math.max(...lngs) - (origin.x0 + origin.dx))).toBeLessThan(2 * pixelDeg);
    expect(Math.abs(Math.min(...lats) - (origin.y0 + origin.dy / 2))).toBeLessThan(2 * pixelDeg);
  });

  it('when address points are tiled at zoom 14, then each point arrives with its households', async () => {
    const t = tileOf(origin.x0 + origin.dx, origin.y0 + origin.dy / 2, 14);
    const buf = await (await fetch(http.url(`/tiles/address_points/${t.z}/${t.x}/${t.y}.mvt`))).arrayBuffer();
    const hh = decode(buf, 'address_points').map((f) => f.properties.households).sort((a, b) => Number(a) - Number(b));
    expect(hh).toEqual([5, 80, 120, 300]);
  });

  it('when a tile is far from the data, then it is empty', async () => {
    const t = tileOf(100, 30, 12);
    const buf = await (await fetch(http.url(`/tiles/areas/${t.z}/${t.x}/${t.y}.mvt`))).arrayBuffer();
    expect(decode(buf, 'areas')).toHaveLength(0);
  });

  it('when the same tile is asked again with its ETag, then the answer is 304 and cacheable', async () => {
    const t = tileOf(origin.x0, origin.y0, 12);
    const first = await fetch(http.url(`/tiles/areas/${t.z}/${t.x}/${t.y}.mvt`));
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(first.headers.get('cache-control')).toContain('max-age');
    const again = await fetch(http.url(`/tiles/areas/${t.z}/${t.x}/${t.y}.mvt`), { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
  });

  it.each([
    ['/tiles/nope/1/0/0.mvt', 404, "tile source 'nope'"],
    ['/tiles/areas/3/9/0.mvt', 400, 'tile 3/9/0 does not exist'],
    ['/tiles/areas/25/0/0.mvt', 400, 'does not exist'],
    ['/tiles/address_points/5/0/0.mvt', 404, 'from zoom 13'],
  ])('when %s is asked, then %i with a message saying why', async (path, status, text) => {
    const res = await fetch(http.url(path));
    expect(res.status).toBe(status);
    expect((await res.json()).error.message).toContain(text);
  });

  it('when both encoders can run (real PostGIS), then they give the same features', async () => {
    if (!(await postgisHasMvt(db.knex))) {
      // the embedded PostGIS has no ST_AsMVT: the vt-pbf path above is the one under test there
      expect(db.backend).toBe('embedded');
      return;
    }
    const t = tileOf(origin.x0 + origin.dx, origin.y0 + origin.dy / 2, 13);
    const src = findTileSource('areas')!;
    const summarise = (buf: Uint8Array) => decode(buf, 'areas').map((f) => `${f.properties.code}:${f.type}`).sort();
    const fromPostgis = summarise((await encodeWithPostgis(db.knex, src, t, EVERYWHERE)).body);
    expect(fromPostgis).toHaveLength(7);
    expect(summarise((await encodeWithVtPbf(db.knex, src, t, EVERYWHERE)).body)).toEqual(fromPostgis);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { insertSquareDistrict } from '../helpers/areas-fixture';

let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;
let o: Awaited<ReturnType<typeof insertSquareDistrict>>;

beforeAll(async () => {
  db = await createTestDb();
  o = await insertSquareDistrict(db.knex);
  http = await serveApp(db);
});
afterAll(async () => {
  await http?.close();
  await db?.close();
});

const getJson = async (path: string) => {
  const res = await fetch(http.url(path));
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
};

describe('areas API', () => {
  it('when the health endpoint is asked, then it reports ok with the backend and PostGIS version', async () => {
    const { status, body } = await getJson('/api/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', backend: db.backend });
    expect(body.postgis).toMatch(/^3\.\d+/);
  });

  it('when streets are listed, then both come back as GeoJSON polygons of about 1 km² each', async () => {
    const { type, body } = await getJson('/api/areas?level=street');
    expect(type).toContain('application/geo+json');
    expect(body.numberMatched).toBe(2);
    expect(body.features.map((f: any) => f.properties.name).sort()).toEqual(['东街道', '西街道']);
    expect(body.features[0].geometry.type).toBe('MultiPolygon');
  });

  it('when communities are filtered by parent and bbox, then only those inside come back', async () => {
    const bbox = [o.x0 + 0.1 * o.dx, o.y0 + 0.6 * o.dy, o.x0 + 0.9 * o.dx, o.y0 + 0.9 * o.dy].join(',');
    const { body } = await getJson(`/api/areas?level=community&bbox=${bbox}`);
    expect(body.features.map((f: any) => f.properties.code)).toEqual(['320113002001']);
    const children = await getJson('/api/areas?parent=320113001000');
    expect(children.body.features.map((f: any) => f.properties.code)).toEqual(['320113001001', '320113001002']);
  });

  it('when pages are walked, then each area appears exactly once', async () => {
    const seen: string[] = [];
    for (let offset = 0; offset < 10; offset += 3) {
      const { body } = await getJson(`/api/areas?limit=3&offset=${offset}`);
      expect(body.numberMatched).toBe(7);
      seen.push(...body.features.map((f: any) => f.properties.code));
    }
    expect(new Set(seen).size).toBe(7);
    expect(seen).toHaveLength(7);
  });

  it('when labels are asked, then each is a point inside its area', async () => {
    const { body } = await getJson('/api/areas?level=community&geometry=label');
    for (const f of body.features) expect(f.geometry.type).toBe('Point');
    const nw = body.features.find((f: any) => f.properties.code === '320113002001');
    const [lng, lat] = nw.geometry.coordinates;
    expect(lng).toBeGreaterThan(o.x0);
    expect(lng).toBeLessThan(o.x0 + o.dx);
    expect(lat).toBeGreaterThan(o.y0 + o.dy / 2);
  });

  it('when one street is asked, then its households, population and area add up its points and extent', async () => {
    const { body } = await getJson('/api/areas/320113001000');
    expect(body.properties.name).toBe('东街道');
    expect(body.properties.children).toBe(2);
    expect(body.properties.stats).toMatchObject({ households: 305, population: 915, addressPoints: 2 });
    expect(body.properties.stats.areaM2).toBeGreaterThan(0.95e6);
    expect(body.properties.stats.areaM2).toBeLessThan(1.05e6);
  });

  it.each([
    ['/api/areas?level=county', 400, "'level'"],
    ['/api/areas?bbox=1,2,3', 400, 'four numbers'],
    ['/api/areas?bbox=119,33,118,32', 400, 'min must be below max'],
    ['/api/areas?limit=5000', 400, "'limit'"],
    ['/api/areas/12345', 400, '12 digits'],
    ['/api/areas/320113999999', 404, 'area 320113999999 not found'],
    ['/api/nothing-here', 404, 'route GET /api/nothing-here'],
  ])('when %s is asked, then %i naming the problem', async (path, status, text) => {
    const { status: s, body } = await getJson(path);
    expect(s).toBe(status);
    expect(body.error.message).toContain(text);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  });
});

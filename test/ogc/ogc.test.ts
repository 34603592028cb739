import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { EAST_STREET, NE, NW, SE, SW, WEST_STREET } from '../plans/plan-fixture';
import { at, FIXTURE_EVENTS, fixtureEventsNdjson, insertOgcFixture, type OgcFixture } from './ogc-fixture';

let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;
let fx: OgcFixture;

beforeAll(async () => {
  db = await createTestDb();
  fx = await insertOgcFixture(db.knex);
  http = await serveApp(db);
  const ingest = await fetch(http.url('/api/events/bulk?format=ndjson&source=ogc-test'), {
    method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: fixtureEventsNdjson(fx.o),
  });
  expect(ingest.status).toBe(201);
});
afterAll(async () => {
  await http?.close();
  await db?.close();
});

const get = async (path: string) => {
  const res = await fetch(path.startsWith('http') ? path : http.url(path));
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: JSON.parse(text) };
};
const linkOf = (doc: { links: { rel: string; href: string; type: string }[] }, rel: string) => doc.links.find((l) => l.rel === rel);
const ids = (page: { features: { id: string | number }[] }) => page.features.map((f) => f.id);
const westGrids = [`${NW}001`, `${NW}002`, `${SW}001`, `${SW}002`];
const allGrids = [`${NE}001`, `${NE}002`, `${SE}001`, `${SE}002`, ...westGrids];

describe('OGC API – Features: landing page, conformance, API definition', () => {
  it('when the landing page is fetched, then it links the API definition, conformance and collections absolutely, on the host asked', async () => {
    const { status, body } = await get('/ogc');
    expect(status).toBe(200);
    const root = http.url('/ogc');
    expect(linkOf(body, 'self')?.href).toBe(root);
    expect(linkOf(body, 'service-desc')).toEqual(expect.objectContaining({ href: `${root}/api`, type: 'application/vnd.oai.openapi+json;version=3.0' }));
    expect(linkOf(body, 'conformance')?.href).toBe(`${root}/conformance`);
    expect(linkOf(body, 'data')?.href).toBe(`${root}/collections`);

    // fetch may not set Host; a reverse proxy or another name for the machine does
    const viaName = await new Promise<any>((resolve, reject) => {
      httpGet(http.url('/ogc'), { headers: { host: 'grids.example.gov.cn:8443' } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk)).on('end', () => resolve(JSON.parse(text)));
      }).on('error', reject);
    });
    expect(linkOf(viaName, 'data')?.href).toBe('http://grids.example.gov.cn:8443/ogc/collections');
  });

  it('when conformance is fetched, then it declares Core, GeoJSON and OpenAPI 3.0', async () => {
    const { body } = await get('/ogc/conformance');
    expect(body.conformsTo).toEqual(expect.arrayContaining([
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
    ]));
  });

  it("when the API definition is fetched, then it is OpenAPI 3.0 with each collection's items path listing its filters", async () => {
    const res = await fetch(http.url('/ogc/api'));
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oai\.openapi\+json;\s*version=3\.0/);
    const doc = await res.json();
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(doc.servers[0].url).toBe(http.url('/ogc'));
    const params = (path: string) => doc.paths[path].get.parameters.map((p: { name?: string; $ref?: string }) => p.name ?? p.$ref!.split('/').pop());
    expect(params(`/collections/plan-${fx.published}-comprehensive/items`)).toEqual(expect.arrayContaining(['bbox', 'limit', 'offset', 'code', 'area_code', 'street_code']));
    expect(params(`/collections/plan-${fx.published}-comprehensive/items`)).not.toContain('datetime');
    expect(params('/collections/events-per-grid/items')).toEqual(expect.arrayContaining(['datetime', 'code', 'street_code']));
    expect(doc.components.parameters.limit.schema).toMatchObject({ minimum: 1, maximum: 10000, default: 10 });
  });
});

describe('OGC API – Features: collections', () => {
  it('when collections are listed, then areas by level, each layer\'s published grids, each plan, hazards by geometry, response points and events per grid are there', async () => {
    const { status, body } = await get('/ogc/collections');
    expect(status).toBe(200);
    expect(body.collections.map((c: { id: string }) => c.id)).toEqual([
      'areas-district', 'areas-street', 'areas-community',
      `layer-${fx.publishedLayer}-comprehensive`, `layer-${fx.policeLayer}-police`,
      `plan-${fx.published}-comprehensive`, `plan-${fx.lPlan}-comprehensive`, `plan-${fx.policePlan}-police`,
      'hazards-point', 'hazards-polygon', 'response-points', 'events-per-grid',
    ]);
    for (const c of body.collections) {
      expect(c.crs).toEqual(['http://www.opengis.net/def/crs/OGC/1.3/CRS84']);
      expect(linkOf(c, 'items')).toEqual(expect.objectContaining({ href: http.url(`/ogc/collections/${c.id}/items`), type: 'application/geo+json' }));
    }
  });

  it("when a grid collection is described, then its extent is its grids' bounding box in CRS84 and it has no time", async () => {
    const { body } = await get(`/ogc/collections/layer-${fx.publishedLayer}-comprehensive`);
    expect(body.extent.spatial.crs).toBe('http://www.opengis.net/def/crs/OGC/1.3/CRS84');
    body.extent.spatial.bbox[0].forEach((v: number, i: number) => expect(v).toBeCloseTo(fx.districtBbox[i], 9));
    expect(body.extent.temporal).toBeUndefined();
    const points = await get('/ogc/collections/hazards-point');
    const [[minLng, minLat, maxLng, maxLat]] = points.body.extent.spatial.bbox;
    expect([minLng, minLat, maxLng, maxLat].map((v) => +v.toFixed(9))).toEqual([...at(fx.o, 0.5, 0.5), ...at(fx.o, 1.5, 0.5)].map((v) => +v.toFixed(9)));
  });

  it('when events per grid is described, then its temporal extent spans the first to the last event', async () => {
    const { body } = await get('/ogc/collections/events-per-grid');
    expect(body.extent.temporal.interval).toEqual([['2026-03-05T02:00:00.000Z', '2026-04-10T04:00:00.000Z']]);
  });

  it('when an unknown collection is asked for, then 404 names it', async () => {
    for (const path of ['/ogc/collections/plan-999-comprehensive', '/ogc/collections/nope/items', '/ogc/collections/nope/items/1']) {
      const { status, body } = await get(path);
      expect(status, path).toBe(404);
      expect(body.error.message).toMatch(/collection '(plan-999-comprehensive|nope)' not found/);
    }
    expect((await get('/ogc/elsewhere')).status).toBe(404);
  });
});

describe('OGC API – Features: items', () => {
  it('when a grid collection is paged, then following next links visits every grid once in id order, and prev leads back', async () => {
    const seen: (string | number)[] = [];
    let url: string | undefined = http.url(`/ogc/collections/plan-${fx.published}-comprehensive/items?limit=3`);
    const pages = [];
    while (url) {
      const { status, type, body }: { status: number; type: string; body: any } = await get(url);
      expect(status).toBe(200);
      expect(type).toMatch(/^application\/geo\+json/);
      expect(body).toMatchObject({ type: 'FeatureCollection', numberMatched: 8, numberReturned: body.features.length });
      expect(Date.parse(body.timeStamp)).toBeGreaterThan(0);
      expect(linkOf(body, 'self')?.href).toBe(url);
      seen.push(...ids(body));
      pages.push(body);
      url = linkOf(body, 'next')?.href;
    }
    expect(pages.map((p) => p.numberReturned)).toEqual([3, 3, 2]);
    expect(seen).toEqual([...allGrids].sort());
    expect(linkOf(pages[0], 'prev')).toBeUndefined();
    expect(linkOf(pages[2], 'prev')?.href).toBe(linkOf(pages[0], 'next')?.href);
    const feature = pages[0].features[0];
    expect(feature.properties).toEqual({
      code: feature.id, name: expect.any(String), kind: 'comprehensive', area_code: NE, street_code: EAST_STREET,
      households: expect.any(Number), population: expect.any(Number), parent_grid_code: null, plan_id: fx.published,
    });
    expect(feature.geometry.type).toBe('MultiPolygon');
  });

  it('when no limit is given, then pages are of 10 and the links say so', async () => {
    const { body } = await get(`/ogc/collections/plan-${fx.published}-comprehensive/items`);
    expect(body.numberReturned).toBe(8);
    expect(new URL(linkOf(body, 'self')!.href).searchParams.get('limit')).toBe('10');
  });

  it('when a limit above 10,000 is asked for, then the page is of 10,000 and the links say so', async () => {
    const { status, body } = await get(`/ogc/collections/plan-${fx.published}-comprehensive/items?limit=50000`);
    expect(status).toBe(200);
    expect(body.numberReturned).toBe(8);
    expect(new URL(linkOf(body, 'self')!.href).searchParams.get('limit')).toBe('10000');
  });

  it('when the published layer is asked for, then it serves the published plan\'s grids', async () => {
    const viaLayer = await get(`/ogc/collections/layer-${fx.publishedLayer}-comprehensive/items?limit=100`);
    const viaPlan = await get(`/ogc/collections/plan-${fx.published}-comprehensive/items?limit=100`);
    expect(ids(viaLayer.body)).toEqual(ids(viaPlan.body));
  });

  it('when a bbox is given, then only features whose geometry intersects it are returned, not those whose envelope merely does', async () => {
    // the corner unit between the two legs of the L: inside NW001's envelope, outside its geometry
    const [x1, y1] = at(fx.o, 0.5, 0.5);
    const [x2, y2] = at(fx.o, 0.9, 0.9);
    const { body } = await get(`/ogc/collections/plan-${fx.lPlan}-comprehensive/items?bbox=${x1},${y1},${x2},${y2}`);
    expect(ids(body)).toEqual([`${NW}002`]);
    expect(body.numberMatched).toBe(1);
    const [a, b] = at(fx.o, 0.05, 0.5);
    const both = await get(`/ogc/collections/plan-${fx.lPlan}-comprehensive/items?bbox=${a},${b},${x2},${y2}`);
    expect(ids(both.body)).toEqual([`${NW}001`, `${NW}002`]);
    const east = await get(`/ogc/collections/hazards-point/items?bbox=${at(fx.o, 1, 0).join(',')},${at(fx.o, 2, 1).join(',')}`);
    expect(east.body.features.map((f: any) => f.properties.ext_id)).toEqual(['hz-2']);
  });

  it('when a property filter is given, then only matching features are counted and returned, and next links keep the filter', async () => {
    const first = await get(`/ogc/collections/plan-${fx.published}-comprehensive/items?street_code=${WEST_STREET}&limit=3`);
    expect(first.body.numberMatched).toBe(4);
    const next = linkOf(first.body, 'next')!.href;
    expect(new URL(next).searchParams.get('street_code')).toBe(WEST_STREET);
    const second = await get(next);
    expect([...ids(first.body), ...ids(second.body)]).toEqual(westGrids.sort());
    expect(linkOf(second.body, 'next')).toBeUndefined();

    const one = await get(`/ogc/collections/plan-${fx.published}-comprehensive/items?code=${SE}002`);
    expect(ids(one.body)).toEqual([`${SE}002`]);
    const police = await get(`/ogc/collections/layer-${fx.policeLayer}-police/items?area_code=${EAST_STREET}`);
    expect(ids(police.body)).toEqual(['P-EAST']);
    const fire = await get('/ogc/collections/response-points/items?kind=fire_station');
    expect(fire.body.features.map((f: any) => f.properties.ext_id)).toEqual(['rp-2']);
    const none = await get(`/ogc/collections/areas-community/items?parent_code=${WEST_STREET}&name=nowhere`);
    expect(none.body).toMatchObject({ numberMatched: 0, numberReturned: 0, features: [] });
  });

  it('when areas of a level are listed, then they are those areas, by code', async () => {
    const { body } = await get('/ogc/collections/areas-community/items');
    expect(ids(body)).toEqual([NE, SE, NW, SW].sort());
    expect(body.features[0].properties).toEqual({ code: body.features[0].id, name: expect.any(String), level: 'community', parent_code: EAST_STREET });
  });

  it('when events per grid are asked for, then each published grid carries its event counts per type, all of time without datetime', async () => {
    const { body } = await get('/ogc/collections/events-per-grid/items?limit=100');
    expect(body.numberMatched).toBe(8);
    const byCode = Object.fromEntries(body.features.map((f: any) => [f.id, f.properties]));
    expect(byCode[`${NW}002`]).toMatchObject({ events: 3, events_dispute: 2, events_fire: 1, events_hotline_12345: 0 });
    expect(byCode[`${SE}002`]).toMatchObject({ events: 1, events_hotline_12345: 1, events_dispute: 0 });
    expect(byCode[`${SW}001`]).toMatchObject({ events: 0, events_dispute: 0, events_fire: 0, events_hotline_12345: 0 });
    expect(FIXTURE_EVENTS.length).toBe(4);
    // no single event is served: features are grids, properties are counts
    expect(Object.keys(byCode[`${NW}002`]).filter((k) => !['code', 'name', 'area_code', 'street_code', 'households', 'population'].includes(k)).sort())
      .toEqual(['events', 'events_dispute', 'events_fire', 'events_hotline_12345']);
  });

  it('when datetime is given on events per grid, then only events in that window are counted, dates being whole days in China Standard Time', async () => {
    const counts = async (datetime: string) => {
      const { status, body } = await get(`/ogc/collections/events-per-grid/items?limit=100&datetime=${encodeURIComponent(datetime)}`);
      expect(status, datetime).toBe(200);
      const nw = body.features.find((f: any) => f.id === `${NW}002`).properties;
      const se = body.features.find((f: any) => f.id === `${SE}002`).properties;
      return [nw.events_dispute, nw.events_fire, se.events_hotline_12345];
    };
    expect(await counts('2026-03-01/2026-03-31')).toEqual([2, 0, 0]); // e2 at 23:30 CST on the 31st is in, e3 at 00:30 on 1 April is not
    expect(await counts('2026-04-01/..')).toEqual([0, 1, 1]);
    expect(await counts('../2026-03-31T15:30:00Z')).toEqual([2, 0, 0]); // e2 is exactly at the end, which is inclusive
    expect(await counts('2026-04-10T04:00:00Z')).toEqual([0, 0, 1]);
    expect(await counts('2026-04-10')).toEqual([0, 0, 1]);
    expect(await counts('2025-01-01/2025-12-31')).toEqual([0, 0, 0]);

    const page = await get('/ogc/collections/events-per-grid/items?limit=2&datetime=2026-04-01/..');
    expect(new URL(linkOf(page.body, 'next')!.href).searchParams.get('datetime')).toBe('2026-04-01/..');
  });

  it('when one feature is fetched by its id, then it comes with self and collection links; an unknown id is a 404', async () => {
    const grid = await get(`/ogc/collections/plan-${fx.published}-comprehensive/items/${SE}002`);
    expect(grid.status).toBe(200);
    expect(grid.type).toMatch(/^application\/geo\+json/);
    expect(grid.body).toMatchObject({ type: 'Feature', id: `${SE}002`, properties: { code: `${SE}002`, area_code: SE } });
    expect(linkOf(grid.body, 'self')?.href).toBe(http.url(`/ogc/collections/plan-${fx.published}-comprehensive/items/${SE}002`));
    expect(linkOf(grid.body, 'collection')?.href).toBe(http.url(`/ogc/collections/plan-${fx.published}-comprehensive`));

    const list = await get('/ogc/collections/hazards-polygon/items');
    const flood = await get(`/ogc/collections/hazards-polygon/items/${list.body.features[0].id}`);
    expect(flood.body).toMatchObject({ id: list.body.features[0].id, geometry: { type: 'Polygon' }, properties: { ext_id: 'hz-3', type: 'flood_zone' } });

    const counted = await get(`/ogc/collections/events-per-grid/items/${NW}002?datetime=2026-04-01/..`);
    expect(counted.body.properties).toMatchObject({ events: 1, events_fire: 1, events_dispute: 0 });

    for (const path of [`/ogc/collections/plan-${fx.published}-comprehensive/items/nope`, '/ogc/collections/hazards-point/items/999999', '/ogc/collections/hazards-point/items/abc']) {
      const { status, body } = await get(path);
      expect(status, path).toBe(404);
      expect(body.error.message).toContain('not found');
    }
  });

  it('when a parameter is unknown or invalid, then 400 says which one and why', async () => {
    const grids = `/ogc/collections/plan-${fx.published}-comprehensive/items`;
    const cases: [string, RegExp][] = [
      [`${grids}?bbox=1,2,3`, /'bbox'.*four numbers.*got '1,2,3'/],
      [`${grids}?bbox=a,b,c,d`, /'bbox'.*four numbers/],
      [`${grids}?bbox=119,32,118,33`, /'bbox'.*min must be below max/],
      [`${grids}?bbox=118,32,200,33`, /'bbox'.*outside lng -180\.\.180/],
      [`${grids}?limit=0`, /'limit' must be an integer from 1 to \d+, got '0'/],
      [`${grids}?limit=2.5`, /'limit' must be an integer/],
      [`${grids}?offset=-1`, /'offset' must be an integer from 0/],
      [`${grids}?colour=red`, /unknown query parameter 'colour' for collection 'plan-\d+-comprehensive'; known: f, bbox, limit, offset, code, name, area_code/],
      [`${grids}?datetime=2026-03-01`, /unknown query parameter 'datetime'/],
      [`${grids}?limit=1&limit=2`, /'limit' is given more than once/],
      [`${grids}?f=html`, /f=html is not offered/],
      ['/ogc/collections/events-per-grid/items?datetime=2026-04-01/2026-03-01', /'datetime'.*ends before it starts/],
      ['/ogc/collections/events-per-grid/items?datetime=last-week', /'datetime'.*'last-week' is neither/],
      [`${grids}/${SE}002?datetime=2026-03-01`, /unknown query parameter 'datetime'/],
      ['/ogc/collections?bbox=1,2,3,4', /unknown query parameter 'bbox' for the collections; known: f/],
    ];
    for (const [path, message] of cases) {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(body.error.message, path).toMatch(message);
    }
    expect((await get(`${grids}?f=json&limit=10000`)).status).toBe(200);
  });
});

/**
 * The world of the authorization matrix (test/auth/matrix.test.ts), built through the real code
 * where it matters: the square district of test/helpers/areas-fixture.ts with the plans, police
 * layer, hazards and response points of test/ogc/ogc-fixture.ts, plus what only the matrix needs
 * — partitions run through the API (a draft of the district, one of 东街道, one of a 西街道
 * community: plans with units to edit, and jobs), a west layer and plans, an east layer to
 * publish, an east police layer, hazards / response points / barriers imported through the API,
 * events ingested through the API by the matrix's own east tokens and by a 西街道 token, users
 * and tokens in both streets.
 *
 * Everything of 西街道 carries a marker the matrix searches answers for: its area codes
 * (320113002…, which also begin its grid codes), 'WESTMARK' in names, external ids, event
 * attributes and types, and the ext ids / names of the OGC fixture's western hazards and
 * response point.
 */
import { cellToParent } from 'h3-js';
import type { Knex } from 'knex';
import { createApiToken } from '../../server/auth/tokens.repo';
import { ROLES, type Role } from '../../server/auth/roles';
import { createUser } from '../../server/auth/users.repo';
import type { Db } from '../../server/db/knex';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { at, insertOgcFixture, type OgcFixture } from '../ogc/ogc-fixture';
import { boxSql, EAST_STREET, insertPlan, NE, NW, SE, SW, WEST_STREET, type Box } from '../plans/plan-fixture';

export { EAST_STREET, WEST_STREET, NE, NW, SE, SW };
export const DISTRICT = '320113000000';

/** Who asks: no credentials, or a token of a role scoped to 东街道. */
export type Who = 'anonymous' | Role;
export const PRINCIPALS: Who[] = ['anonymous', ...ROLES];

/** Text that may appear in no answer to an 东街道 caller (compared without case). */
export const WEST_MARKERS = [
  '320113002', // 西街道 and its communities; every grid code of theirs starts with it
  'WESTMARK', // names, external ids, event attributes, sources, event type, usernames, token names
  '西街道', '西北', '西南', // area names; the OGC fixture's grids are named 西北一网格 …
  'hz-1', 'hz-3', '低洼地', 'gas_station hz-1', // the OGC fixture's western hazards
  'rp-1', // the OGC fixture's western response point
  'P-WEST', // the police grid of 西街道
];

export interface EventSpec { externalId: string; type: string; at: string; x: number; y: number; street: 'east' | 'west' }
export type StoredEvent = EventSpec & { id: number; h3: string };

/** East: a cluster of 6 (one res-9 cell) in 东北社区 and 3 in 东南社区, March–April 2026. */
const EAST_EVENTS: Omit<EventSpec, 'externalId' | 'street'>[] = [
  ...Array.from({ length: 6 }, (_, i) => ({ type: i % 2 ? 'fire' : 'dispute', at: `2026-03-0${i + 1}T10:00:00+08:00`, x: 1.62, y: 0.72 })),
  { type: 'fire', at: '2026-03-20T09:00:00+08:00', x: 1.5, y: 0.25 },
  { type: 'dispute', at: '2026-04-01T12:00:00+08:00', x: 1.55, y: 0.2 },
  { type: 'fire', at: '2026-04-10T12:00:00+08:00', x: 1.45, y: 0.3 },
];
/** West: a cluster of 7 in 西北社区, 2 in 西南社区; one before and one after every east event, one of a type only the west has. */
const WEST_EVENTS: Omit<EventSpec, 'externalId' | 'street'>[] = [
  ...Array.from({ length: 7 }, (_, i) => ({ type: 'fire', at: `2026-03-1${i}T10:00:00+08:00`, x: 0.38, y: 0.72 })),
  { type: 'westmark', at: '2026-01-05T08:00:00+08:00', x: 0.5, y: 0.25 },
  { type: 'dispute', at: '2026-05-20T08:00:00+08:00', x: 0.45, y: 0.2 },
];

/** The roles whose east tokens ingest part of the east events (each thereby owns a batch). */
export const INGESTING_ROLES: Role[] = ['admin', 'police', 'emergency'];

export interface MatrixWorld {
  db: Db;
  http: Awaited<ReturnType<typeof serveApp>>;
  o: OgcFixture['o'];
  ogc: OgcFixture;
  /** Bearer secrets: the 6 east tokens, an unscoped setup admin, a 西街道 police token */
  secret: Record<Role, string> & { setup: string; westPolice: string };
  tokenId: { westPolice: number; eastSpare: number };
  userId: { east: number; west: number };
  plan: {
    /** published comprehensive plan of the district (OGC fixture): two grids per community */
    pub: number;
    /** layer of `pub` (district) */
    compLayer: number;
    /** draft of compLayer partitioned from the district through the API, with units; edits of its western grids made and one undone */
    draft: number;
    /** draft partitioned from 东街道 (its layer's area is 东街道), with units */
    eastDraft: number;
    eastLayer: number;
    /** draft of a departmental layer of 东街道, to publish */
    eastDept: number;
    /** published plan of a layer of 西街道 */
    westPub: number;
    westLayer: number;
    /** draft of the same west layer */
    westDraft: number;
    /** draft partitioned from 西北社区 through the API */
    westPartition: number;
    /** police layer (district) and its published plan: P-WEST, P-EAST */
    police: number;
    policeLayer: number;
    /** police layer of 东街道 and its published plan (one grid) */
    eastPolice: number;
  };
  /** partition jobs: 东街道 started by the east admin, 东南社区 by the east planner, 西北社区 by the unscoped setup admin */
  job: { admin: string; planner: string; west: string };
  /** grid codes by street, of `pub`, `draft` and `eastDraft` */
  grids: { pubEast: string[]; pubWest: string[]; draftEast: string[]; draftWest: string[]; eastDraft: string[] };
  hazard: { east: number; west: number; westIds: number[] };
  /** split lines drawn across the middle of a grid: an east grid of eastDraft, the unsplit west grid of draft */
  line: { eastDraft: unknown; draftWest: unknown };
  /** households and comprehensive grids of pub in 东街道 */
  pubEast: { households: number; comprehensive: number };
  /** the events with their ids and the H3 cell (EVENT_H3_RES) they were assigned on ingest */
  events: { east: StoredEvent[]; west: StoredEvent[] };
  batch: Record<string, number> & { west: number };
  /** ids of east events kept for the status route */
  statusEvent: { east: number; west: number };
  response: { east: number[]; west: number[] };
}

async function must(res: Response, what: string): Promise<any> {
  const text = await res.text();
  if (res.status >= 300) throw new Error(`fixture: ${what} answered ${res.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

/** Builds the world on a fresh database and serves the app without default credentials. */
export async function buildMatrixWorld(): Promise<MatrixWorld> {
  const t0 = Date.now();
  const step = (what: string) => { if (process.env.MATRIX_DEBUG) console.log(`fixture ${what}: ${Date.now() - t0} ms`); };
  const db = await createTestDb();
  step('db');
  const knex = db.knex;
  const ogc = await insertOgcFixture(knex);
  const o = ogc.o;
  // the square district's address points lie in no area until given one: their community
  await knex.raw(`update address_points p set area_code = a.code from admin_areas a where a.level = 'community' and ST_Covers(a.geom, p.geom)`);

  step('ogc fixture');
  const http = await serveApp(db, { RATE_LIMIT_PER_MINUTE: '0' }, { as: null });
  const secret = {} as MatrixWorld['secret'];
  for (const role of ROLES) secret[role] = (await createApiToken(knex, { name: `matrix-east-${role}`, role, areaCode: EAST_STREET })).secret;
  secret.setup = (await createApiToken(knex, { name: 'matrix-setup', role: 'admin', areaCode: null })).secret;
  const westPolice = await createApiToken(knex, { name: 'WESTMARK-police', role: 'police', areaCode: WEST_STREET });
  secret.westPolice = westPolice.secret;
  const eastSpare = await createApiToken(knex, { name: 'matrix-east-spare', role: 'police', areaCode: EAST_STREET });
  const userId = {
    east: (await createUser(knex, { username: 'east-user', role: 'viewer', areaCode: EAST_STREET, password: 'east user password' })).id,
    west: (await createUser(knex, { username: 'westmark-user', role: 'viewer', areaCode: WEST_STREET, password: 'west user password' })).id,
  };

  const call = (path: string, init: RequestInit & { as?: string } = {}) =>
    fetch(http.url(path), { ...init, headers: { authorization: `Bearer ${init.as ?? secret.setup}`, ...(init.headers as Record<string, string>) } });
  const post = (path: string, body: unknown, as?: string, type = 'application/json') =>
    call(path, { method: 'POST', as, headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  step('tokens, users');
  // plans of the west, an east layer to publish, an east police layer
  const grid = (code: string, area: string, box: Box) => ({ code, area, boxes: [box] });
  const westPub = await insertPlan(knex, o, {
    layer: 'WESTMARK 西街道专项', name: 'WESTMARK v1', status: 'published', areaCode: WEST_STREET,
    grids: [grid(`${NW}001`, NW, [0, 0.5, 1, 1]), grid(`${SW}001`, SW, [0, 0, 1, 0.5])],
  });
  const westDraft = await insertPlan(knex, o, {
    layer: 'WESTMARK 西街道专项', name: 'WESTMARK v2', areaCode: WEST_STREET,
    grids: [grid(`${NW}001`, NW, [0, 0.5, 0.5, 1]), grid(`${NW}002`, NW, [0.5, 0.5, 1, 1]), grid(`${SW}001`, SW, [0, 0, 1, 0.5])],
  });
  const westLayer = Number((await knex.raw('select layer_id from grid_plans where id = ?', [westPub])).rows[0].layer_id);
  await knex.raw('update grid_layers set area_code = ? where id = ?', [WEST_STREET, westLayer]);
  const eastDept = await insertPlan(knex, o, {
    layer: '东街道部门网格 matrix', name: 'east departmental v1', areaCode: EAST_STREET,
    grids: [grid(`${NE}001`, NE, [1, 0.5, 2, 1]), grid(`${SE}001`, SE, [1, 0, 2, 0.5])],
  });
  await knex.raw(`update grid_layers set kind = 'departmental', area_code = ? where id = (select layer_id from grid_plans where id = ?)`, [EAST_STREET, eastDept]);
  await knex.raw(`update grids set kind = 'departmental' where plan_id = ?`, [eastDept]);
  const { rows: [{ id: eastPoliceLayer }] } = await knex.raw(`insert into grid_layers (name, kind, area_code) values ('东街道警格 matrix', 'police', ?) returning id`, [EAST_STREET]);
  const { rows: [{ id: eastPolice }] } = await knex.raw(
    `insert into grid_plans (layer_id, name, status, published_at, area_code) values (?, '东街道警格 v1', 'published', now(), ?) returning id`, [eastPoliceLayer, EAST_STREET]);
  await knex.raw(`insert into grids (plan_id, code, kind, area_code, geom) values (?, 'P-EAST-1', 'police', ?, ST_Multi(${boxSql(o, [1, 0, 2, 1])}))`, [eastPolice, EAST_STREET]);

  step('plans');
  // hazards, response points and barriers of both streets, imported through the API
  const pt = (x: number, y: number) => ({ type: 'Point', coordinates: at(o, x, y) });
  const line = (x1: number, y1: number, x2: number, y2: number) => ({ type: 'LineString', coordinates: [at(o, x1, y1), at(o, x2, y2)] });
  const fc = (features: [unknown, Record<string, unknown>][]) => ({ type: 'FeatureCollection', features: features.map(([geometry, properties]) => ({ type: 'Feature', geometry, properties })) });
  await must(await post('/api/import/hazards', fc([
    [pt(1.8, 0.8), { id: 'east-hz-gas', type: 'gas_station', name: '东街道加油站' }],
    [pt(0.2, 0.8), { id: 'WESTMARK-hz-gas', type: 'gas_station', name: 'WESTMARK 加油站' }],
  ]), undefined, 'application/geo+json'), 'import hazards');
  await must(await post('/api/import/response_points', fc([
    [pt(1.3, 0.3), { id: 'east-rp-patrol', kind: 'patrol', name: '东街道巡逻点' }],
    [pt(0.7, 0.3), { id: 'WESTMARK-rp-patrol', kind: 'patrol', name: 'WESTMARK 巡逻点' }],
  ]), undefined, 'application/geo+json'), 'import response points');
  await must(await post('/api/import/barriers', fc([
    [line(1.2, 0.1, 1.2, 0.9), { id: 'east-road', class: 'road', name: '东街道路' }],
    [line(0.8, 0.1, 0.8, 0.9), { id: 'WESTMARK-road', class: 'road', name: 'WESTMARK 路' }],
  ]), undefined, 'application/geo+json'), 'import barriers');
  step('imports');
  const idOf = async (table: string, ext: string) => Number((await knex.raw(`select id from ${table} where ext_id = ?`, [ext])).rows[0].id);
  const hazard = { east: await idOf('hazard_sources', 'hz-2'), west: await idOf('hazard_sources', 'hz-1') };
  const response = {
    east: [await idOf('response_points', 'rp-2'), await idOf('response_points', 'east-rp-patrol')],
    west: [await idOf('response_points', 'rp-1'), await idOf('response_points', 'WESTMARK-rp-patrol')],
  };

  // partitions through the API: the district (into the published plan's layer), 东街道, 西北社区
  const partition = async (areaCode: string, layer: string, plan: string, as?: string) => {
    const job = await must(await post('/api/planning/partition', { areaCode, layer, plan, urban: { min: 1, max: 100000 }, rural: { min: 1, max: 100000 }, micro: false }, as), `partition ${areaCode}`);
    for (;;) {
      const now = await must(await call(`/api/jobs/${job.id}`), 'job');
      if (now.status === 'done') return { job: String(job.id), planId: Number(now.result.planId) };
      if (now.status !== 'running') throw new Error(`fixture: partition of ${areaCode} ended ${now.status}: ${JSON.stringify(now.error)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const compLayerName = (await knex.raw('select name from grid_layers where id = ?', [ogc.publishedLayer])).rows[0].name;
  step('before partitions');
  const draft = await partition(DISTRICT, compLayerName, 'district draft');
  // 东街道 by the matrix's east admin, 东南社区 by its east planner: jobs of their own
  const east = await partition(EAST_STREET, '东街道综合网格 matrix', 'east draft', secret.admin);
  const southEast = await partition(SE, '东南社区网格 matrix', 'south-east draft', secret.planner);
  const west = await partition(NW, 'WESTMARK 西北社区网格', 'WESTMARK partition');
  step('partitions');
  const eastLayer = Number((await knex.raw('select layer_id from grid_plans where id = ?', [east.planId])).rows[0].layer_id);

  const codes = async (planId: number, prefix: string) =>
    (await knex.raw(`select code from grids where plan_id = ? and code like ? order by code`, [planId, `${prefix}%`])).rows.map((r: { code: string }) => r.code) as string[];
  // two edits of western grids of the district draft, the second undone: its history, undo and redo all touch 西街道
  const splitLine = async (planId: number, code: string) => {
    const { rows: [b] } = await knex.raw(
      `select ST_XMin(geom) x1, ST_YMin(geom) y1, ST_XMax(geom) x2, ST_YMax(geom) y2 from grids where plan_id = ? and code = ?`, [planId, code]);
    const x = (Number(b.x1) + Number(b.x2)) / 2;
    return { type: 'LineString', coordinates: [[x, Number(b.y1) - 0.001], [x, Number(b.y2) + 0.001]] };
  };
  const [w1, w2] = [(await codes(draft.planId, NW))[0], (await codes(draft.planId, SW))[0]];
  await must(await post(`/api/plans/${draft.planId}/edits`, { op: 'split', grid: w1, line: await splitLine(draft.planId, w1) }), 'split west grid 1');
  await must(await post(`/api/plans/${draft.planId}/edits`, { op: 'split', grid: w2, line: await splitLine(draft.planId, w2) }), 'split west grid 2');
  await must(await post(`/api/plans/${draft.planId}/undo`, {}), 'undo west split 2');

  step('edits');
  // events: the east ones by the matrix's own east tokens (a batch each), the west ones by a 西街道 token
  const ndjson = (specs: EventSpec[]) => specs.map((e) => {
    const [lng, lat] = at(o, e.x, e.y);
    return JSON.stringify({ external_id: e.externalId, type: e.type, occurred_at: e.at, lng, lat, note: e.street === 'west' ? 'WESTMARK note' : 'east note', phone: e.street === 'west' ? 'WESTMARK-phone' : '13900000000' });
  }).join('\n');
  const eastSpecs: EventSpec[] = EAST_EVENTS.map((e, i) => ({ ...e, externalId: `east-ev-${i + 1}`, street: 'east' }));
  const westSpecs: EventSpec[] = WEST_EVENTS.map((e, i) => ({ ...e, externalId: `WESTMARK-ev-${i + 1}`, street: 'west' }));
  const batch = {} as MatrixWorld['batch'];
  const perRole = Math.ceil(eastSpecs.length / INGESTING_ROLES.length);
  for (const [i, role] of INGESTING_ROLES.entries()) {
    const part = eastSpecs.slice(i * perRole, (i + 1) * perRole);
    const r = await must(await post('/api/events/bulk?format=ndjson&source=matrix-east', ndjson(part), secret[role], 'application/x-ndjson'), `ingest east events as ${role}`);
    if (r.accepted !== part.length) throw new Error(`fixture: east ingest as ${role} accepted ${r.accepted} of ${part.length}: ${JSON.stringify(r)}`);
    batch[role] = Number(r.batchId);
  }
  const w = await must(await post('/api/events/bulk?format=ndjson&source=WESTMARK', ndjson(westSpecs), secret.westPolice, 'application/x-ndjson'), 'ingest west events');
  if (w.accepted !== westSpecs.length) throw new Error(`fixture: west ingest accepted ${w.accepted} of ${westSpecs.length}: ${JSON.stringify(w)}`);
  batch.west = Number(w.batchId);
  const ids = async (specs: EventSpec[]) => {
    const { rows } = await knex.raw('select id, external_id, h3::text as h3 from events where external_id = any(?)', [specs.map((s) => s.externalId)]);
    const byExt = new Map((rows as { id: string; external_id: string; h3: string }[]).map((r) => [r.external_id, r]));
    return specs.map((s) => ({ ...s, id: Number(byExt.get(s.externalId)!.id), h3: BigInt(byExt.get(s.externalId)!.h3).toString(16) }));
  };
  const events = { east: await ids(eastSpecs), west: await ids(westSpecs) };
  // a west event moved one step by the unscoped admin: an audit entry of 西街道
  await must(await call(`/api/events/${events.west[0].id}/status`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'verified' }) }), 'west status');

  step('events');
  const westHazards = (await knex.raw(`select id from hazard_sources where ext_id in ('hz-1', 'hz-3', 'WESTMARK-hz-gas') order by id`)).rows.map((r: { id: string }) => Number(r.id));
  const draftWest = await codes(draft.planId, '320113002');
  const { rows: [pubEast] } = await knex.raw(
    `select coalesce(sum(households), 0)::int as households, count(*) filter (where kind = 'comprehensive')::int as comprehensive from grids where plan_id = ? and area_code like '320113001%' and kind <> 'micro'`, [ogc.published]);
  return {
    db, http, o, ogc, secret,
    tokenId: { westPolice: westPolice.id, eastSpare: eastSpare.id },
    userId,
    plan: {
      pub: ogc.published, compLayer: ogc.publishedLayer, draft: draft.planId, eastDraft: east.planId, eastLayer, eastDept,
      westPub, westLayer, westDraft, westPartition: west.planId, police: ogc.policePlan, policeLayer: ogc.policeLayer, eastPolice: Number(eastPolice),
    },
    job: { admin: east.job, planner: southEast.job, west: west.job },
    grids: {
      pubEast: await codes(ogc.published, '320113001'), pubWest: await codes(ogc.published, '320113002'),
      draftEast: await codes(draft.planId, '320113001'), draftWest: await codes(draft.planId, '320113002'),
      eastDraft: await codes(east.planId, '320113001'),
    },
    hazard: { ...hazard, westIds: westHazards },
    line: { eastDraft: await splitLine(east.planId, (await codes(east.planId, '320113001'))[0]), draftWest: await splitLine(draft.planId, draftWest[draftWest.length - 1]) },
    pubEast,
    response, events, batch,
    statusEvent: { east: events.east[8].id, west: events.west[1].id },
  };
}

/** East events per H3 cell of a resolution (the parent of the cell each was assigned), within [from, to) (CST days) and of the given types. */
export function eastCellCounts(world: MatrixWorld, res: number, window?: { from: string; to: string }, types?: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of world.events.east) {
    const t = Date.parse(e.at);
    if (window && (t < Date.parse(`${window.from}T00:00:00+08:00`) || t >= Date.parse(`${window.to}T00:00:00+08:00`))) continue;
    if (types && !types.includes(e.type)) continue;
    const cell = cellToParent(e.h3, res);
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  return counts;
}

/** The cell of a stored event at a resolution. */
export const cellOf = (e: StoredEvent, res: number): string => cellToParent(e.h3, res);

/** One row-count / content digest per table a write could change, to compare before and after a refused write (one statement). */
export async function stateDigest(knex: Knex): Promise<Record<string, string>> {
  const digest = (table: string, cols: string) => `(select count(*) || ':' || coalesce(md5(string_agg(${cols}, '|' order by id)), '') from ${table})`;
  const count = (table: string) => `(select count(*)::text from ${table})`;
  const parts: Record<string, string> = {
    audit_log: count('audit_log'),
    events: digest('events', `id::text || status || coalesce(grid_code, '')`),
    event_status_history: count('event_status_history'),
    grid_layers: digest('grid_layers', `id::text || name || kind || coalesce(area_code, '')`),
    grid_plans: digest('grid_plans', `id::text || status || version::text`),
    grids: digest('grids', `id::text || plan_id::text || code || coalesce(area_code, '') || ST_AsHexEWKB(geom)`),
    grid_units: digest('grid_units', `id::text || plan_id::text || grid_code || ST_AsHexEWKB(geom)`),
    grid_plan_edits: count('grid_plan_edits'),
    users: digest('users', `id::text || username || role || coalesce(area_code, '') || disabled::text || coalesce(display_name, '') || password_hash`),
    api_tokens: digest('api_tokens', `id::text || name || coalesce(area_code, '') || coalesce(revoked_at::text, '')`),
    hazard_sources: count('hazard_sources'),
    response_points: count('response_points'),
    barriers: count('barriers'),
    admin_areas: count('admin_areas'),
    address_points: count('address_points'),
    jobs: count('jobs'),
  };
  const { rows: [row] } = await knex.raw(`select ${Object.entries(parts).map(([k, sql]) => `${sql} as ${k}`).join(', ')}`);
  return Object.fromEntries(Object.keys(parts).map((k) => [k, String(row[k])]));
}

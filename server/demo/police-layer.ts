import type { Knex } from 'knex';
import type { Feature, FeatureCollection, MultiPolygon } from 'geojson';
import type { HexWkb } from '../geo/hex-wkb';
import type { Rng } from '../geo/prng';
import { readingOrder } from '../partition/grid-codes';
import { DEFAULT_TARGETS } from '../planning/planning.schema';
import { absorbFragments } from './absorb-fragments';
import { districtMetres, householdCentres, type Dwelling } from './household-centres';
import { nearest } from './kmeans';
import { GRID_DECIMALS, GRID_SIZE_DEG } from './precision';
import type { LngLat } from './qixia-layout';
import { queryRows } from './query-rows';
import { partitionByVoronoi } from './voronoi-partition';

/** Police stations (派出所) in the demo district: about one per 22,000 households. */
const POLICE_STATIONS = 18;
/** One police grid per this many comprehensive grids (Taizhou: 6,859 grids, 822 police grids). */
const COMPREHENSIVE_GRIDS_PER_POLICE_GRID = 8;
/** 警格 and the district's 6 digits; a 3-digit serial follows. */
const POLICE_GRID_CODE_PREFIX = 'JG320113';

export interface PoliceStation { id: string; name: string; lngLat: LngLat }
export interface PoliceGridProperties {
  code: string;
  name: string;
  /** the station whose officers patrol it: the nearest one */
  station: string;
  /** a synthetic label, not a person */
  officer: string;
  /** the street holding most of its area */
  area_code: string;
}
export interface PoliceLayer {
  stations: PoliceStation[];
  grids: FeatureCollection<MultiPolygon, PoliceGridProperties>;
}

/**
 * One police grid per COMPREHENSIVE_GRIDS_PER_POLICE_GRID of the grids the partition will make,
 * estimated as each community's households over the middle of its household range (villages
 * take the rural one). The police layer is generated before the partition runs.
 */
export function policeGridCount(dwellings: Dwelling[], villageCodes: ReadonlySet<string>): number {
  const households = new Map<string, number>();
  for (const d of dwellings) households.set(d.areaCode, (households.get(d.areaCode) ?? 0) + d.households);
  const middle = (r: { min: number; max: number }) => (r.min + r.max) / 2;
  const grids = [...households].reduce((n, [code, hh]) => n + hh / middle(villageCodes.has(code) ? DEFAULT_TARGETS.rural : DEFAULT_TARGETS.urban), 0);
  return Math.max(1, Math.round(grids / COMPREHENSIVE_GRIDS_PER_POLICE_GRID));
}

/**
 * Police grids drawn the way a police bureau would, without regard to the social grids: stations
 * where households gather, grid centres from household-weighted k-means, grids the Voronoi cells
 * of those centres cut from the district (so they tile it exactly). Codes JG320113001… run in
 * reading order; each grid is named after and belongs to its nearest station.
 */
export async function generatePoliceLayer(
  knex: Knex,
  input: { district: HexWkb; streets: Map<string, HexWkb>; dwellings: Dwelling[]; gridCount: number; communityNames: Map<string, string>; rng: Rng },
): Promise<PoliceLayer> {
  const stations = placeStations(input.dwellings, input.communityNames, input.rng.fork());
  const centres = householdCentres(input.dwellings, input.gridCount, input.rng.fork());
  const seeds = centres.map((c, i) => ({ label: String(i), lng: c.lngLat[0], lat: c.lngLat[1] }));
  const cells = await absorbFragments(knex, await partitionByVoronoi(knex, input.district, seeds));
  const rows = await gridRows(knex, cells, input.streets);

  const serials = readingOrder(rows.map((r) => [r.lng, r.lat]));
  const order = rows.map((_, i) => i).sort((a, b) => serials[a] - serials[b]);
  const perStation = new Map<string, number>();
  const stationXY = stations.map((s) => districtMetres.toXY(s.lngLat));
  const features = order.map((i, k): Feature<MultiPolygon, PoliceGridProperties> => {
    const station = stations[nearest(districtMetres.toXY([rows[i].lng, rows[i].lat]), stationXY)].name;
    const n = (perStation.get(station) ?? 0) + 1;
    perStation.set(station, n);
    return {
      type: 'Feature',
      geometry: JSON.parse(rows[i].geojson),
      properties: {
        code: `${POLICE_GRID_CODE_PREFIX}${String(k + 1).padStart(3, '0')}`,
        name: `${station}第${n}警格`,
        station,
        officer: `民警 #${String(k + 1).padStart(4, '0')}`,
        area_code: rows[i].street,
      },
    };
  });
  return { stations, grids: { type: 'FeatureCollection', features } };
}

/** Stations at household centres, in reading order, named after the community they stand in. */
function placeStations(dwellings: Dwelling[], communityNames: Map<string, string>, rng: Rng): PoliceStation[] {
  const places = householdCentres(dwellings, POLICE_STATIONS, rng);
  const serials = readingOrder(places.map((p) => p.lngLat));
  const used = new Map<string, number>();
  return places
    .map((p, i) => ({ p, serial: serials[i] }))
    .sort((a, b) => a.serial - b.serial)
    .map(({ p, serial }) => {
      const stem = communityNames.get(p.areaCode)!.replace(/(社区|村)$/, '');
      const n = (used.get(stem) ?? 0) + 1;
      used.set(stem, n);
      return { id: `ps-${String(serial).padStart(2, '0')}`, name: n === 1 ? `${stem}派出所` : `${stem}第${n}派出所`, lngLat: p.lngLat };
    });
}

/** Each grid as GeoJSON with a point inside it and the street holding most of its area. */
async function gridRows(knex: Knex, cells: Map<string, HexWkb>, streets: Map<string, HexWkb>) {
  return queryRows<{ geojson: string; lng: number; lat: number; street: string }>(
    knex,
    `with cells as materialized (select label, wkb::geometry as g from json_to_recordset(?::json) as c(label text, wkb text)),
          streets as materialized (select code, wkb::geometry as g from json_to_recordset(?::json) as s(code text, wkb text))
     select ST_AsGeoJSON(c.g, ?::int) as geojson, ST_X(p.g) as lng, ST_Y(p.g) as lat,
            (select s.code from streets s where s.g && c.g
              order by ST_Area(ST_Intersection(s.g, c.g, ?::float8)) desc, s.code limit 1) as street
       from cells c, lateral (select ST_PointOnSurface(c.g) as g) p
      order by c.label::int`,
    [
      JSON.stringify([...cells].map(([label, wkb]) => ({ label, wkb }))),
      JSON.stringify([...streets].map(([code, wkb]) => ({ code, wkb }))),
      GRID_DECIMALS,
      GRID_SIZE_DEG,
    ],
    cells.size,
  );
}

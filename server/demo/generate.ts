import type { Knex } from 'knex';
import type { Feature, FeatureCollection, MultiLineString, MultiPolygon, Point, Polygon } from 'geojson';
import { absorbFragments } from './absorb-fragments';
import { placeAddressPoints, type AddressPointProperties, type CommunityHomes } from './address-points';
import { generateBarriers, type BarrierProperties } from './barriers';
import { communitySeeds, CORE_BOOST } from './community-seeds';
import { splitDistrictByChannel } from './district-split';
import { generateHazards, type HazardProperties } from './hazard-sources';
import { dwellingsOf } from './household-centres';
import type { HexWkb } from '../geo/hex-wkb';
import { drawBuildings, splitHouseholds } from './households';
import { createRng, type Rng } from '../geo/prng';
import { nodeCoverage } from './node-coverage';
import { generatePoliceLayer, policeGridCount, type PoliceGridProperties } from './police-layer';
import { GRID_DECIMALS } from './precision';
import { queryRows } from './query-rows';
import { BAGUAZHOU_CODE, MAIN_CHANNEL, STREETS } from './qixia-layout';
import { readQixiaDivisions, readQixiaOutline, type Division } from './qixia-source';
import { responsePoints, type ResponsePointProperties } from './response-points';
import { unionByParent } from './union-by-parent';
import { partitionByVoronoi } from './voronoi-partition';

export interface AreaProperties { code: string; name: string; level: Division['level']; parent_code: string | null }

/** GeoJSON in WGS84 ([lng, lat], EPSG:4326). */
export interface DemoData {
  areas: FeatureCollection<MultiPolygon, AreaProperties>;
  barriers: FeatureCollection<MultiLineString, BarrierProperties>;
  addressPoints: FeatureCollection<Point, AddressPointProperties>;
  /** the police layer (警格), drawn without regard to the comprehensive grids */
  policeGrids: FeatureCollection<MultiPolygon, PoliceGridProperties>;
  hazards: FeatureCollection<Point | Polygon, HazardProperties>;
  responsePoints: FeatureCollection<Point, ResponsePointProperties>;
}

export const DEFAULT_DEMO_SEED = 1;

/**
 * The Qixia demo district: the real outline and division codes (data/qixia/), with generated
 * street and community shapes that tile it exactly, roads, streams and railways, ~400,000
 * households in address points, a police layer tiling the district independently of any social
 * grids, hazard sources and response points (police stations, quick-response posts, fire
 * stations). Deterministic for a given seed on a given PostGIS version.
 * Set-based geometry runs in PostGIS through `knex`; nothing is written to the database.
 */
export async function generateQixiaDemo(
  knex: Knex,
  opts: { seed?: number; onProgress?: (stage: string, pct: number) => void } = {},
): Promise<DemoData> {
  const progress = opts.onProgress ?? (() => {});
  const rng = createRng(opts.seed ?? DEFAULT_DEMO_SEED);
  const divisions = readQixiaDivisions();

  progress('district', 0);
  const baguazhou = STREETS.find((s) => s.code === BAGUAZHOU_CODE)!;
  const split = await splitDistrictByChannel(knex, readQixiaOutline(), MAIN_CHANNEL, baguazhou.core);

  progress('streets', 5);
  const mainlandSeeds = STREETS.flatMap((s) => s.seeds.map(([lng, lat]) => ({ label: s.code, lng, lat })));
  const streetAreas = await absorbFragments(knex, await partitionByVoronoi(knex, split.mainland, mainlandSeeds));
  streetAreas.set(BAGUAZHOU_CODE, split.island);

  const communityAreas = await cutCommunities(knex, streetAreas, divisions, rng.fork(), (pct) => progress('communities', 10 + 0.4 * pct));

  progress('barriers', 50);
  const streetsForRoads = STREETS.map((s) => ({
    code: s.code,
    name: divisions.find((d) => d.code === s.code)!.name,
    area: streetAreas.get(s.code)!,
    localRoadSpacingM: s.localRoadSpacingM,
  }));
  const barriers = await generateBarriers(knex, split.district, split.island, streetsForRoads, rng.fork());

  progress('address points', 65);
  const homes = drawHomes(communityAreas, divisions, rng.fork());
  const points = await placeAddressPoints(knex, homes, barriers.features, rng.fork());

  progress('areas', 85);
  // Parents are rebuilt from their children so that each holds every vertex where its children meet its boundary
  const unionOfLevel = (level: Division['level'], areas: Map<string, HexWkb>) =>
    unionByParent(knex, divisions.filter((d) => d.level === level).map((d) => ({ parent: d.parent_code!, area: areas.get(d.code)! })));
  const streets = await unionOfLevel('community', communityAreas);
  const districts = await unionOfLevel('street', streets);
  const areaOf = (d: Division) => (d.level === 'district' ? districts : d.level === 'street' ? streets : communityAreas).get(d.code)!;
  const areas = await areaFeatures(knex, divisions.map((d) => ({ division: d, area: areaOf(d) })));

  progress('police layer', 90);
  const district = areaOf(divisions.find((d) => d.level === 'district')!);
  const dwellings = dwellingsOf(points);
  const communities = divisions.filter((d) => d.level === 'community');
  const police = await generatePoliceLayer(knex, {
    district,
    streets,
    dwellings,
    gridCount: policeGridCount(dwellings, new Set(communities.filter(isVillage).map((d) => d.code))),
    communityNames: new Map(communities.map((d) => [d.code, d.name])),
    rng: rng.fork(),
  });

  progress('hazards', 96);
  const hazards = await generateHazards(knex, { district, barriers: barriers.features, rng: rng.fork() });
  const responders = responsePoints({ stations: police.stations, policeGrids: police.grids.features.length, dwellings, rng: rng.fork() });
  progress('done', 100);
  return {
    areas,
    barriers,
    addressPoints: { type: 'FeatureCollection', features: points },
    policeGrids: police.grids,
    hazards,
    responsePoints: responders,
  };
}

const isVillage = (d: Division) => d.name.endsWith('村');
const membersOf = (divisions: Division[], code: string) => divisions.filter((d) => d.parent_code === code);

/** Each street's communities: Voronoi cells of seeds in the street; urban communities take the seeds nearest its centre. */
async function cutCommunities(
  knex: Knex,
  streetAreas: Map<string, HexWkb>,
  divisions: Division[],
  rng: Rng,
  progress: (pct: number) => void,
): Promise<Map<string, HexWkb>> {
  const cut = new Map<string, HexWkb>();
  for (const [i, street] of STREETS.entries()) {
    progress((100 * i) / STREETS.length);
    const members = membersOf(divisions, street.code);
    const ordered = [...members.filter((d) => !isVillage(d)), ...members.filter(isVillage)];
    const coreBoost = ordered.some(isVillage) ? CORE_BOOST : 0;
    const area = streetAreas.get(street.code)!;
    const seeds = await communitySeeds(knex, area, ordered.length, street.core, coreBoost, rng.fork());
    const labelled = ordered.map((d, k) => ({ label: d.code, lng: seeds[k][0], lat: seeds[k][1] }));
    for (const [code, part] of await absorbFragments(knex, await partitionByVoronoi(knex, area, labelled))) cut.set(code, part);
  }
  return nodeCoverage(knex, cut);
}

/** Households per community (villages fewer) and the buildings they live in. */
function drawHomes(communityAreas: Map<string, HexWkb>, divisions: Division[], rng: Rng): CommunityHomes[] {
  return STREETS.flatMap((street) => {
    const members = membersOf(divisions, street.code);
    const households = splitHouseholds(street.households, members.map(isVillage), rng);
    return members.map((d, k) => ({
      code: d.code,
      area: communityAreas.get(d.code)!,
      isVillage: isVillage(d),
      buildings: drawBuildings(households[k], isVillage(d) ? 0 : street.apartmentShare, rng),
    }));
  });
}

async function areaFeatures(knex: Knex, items: { division: Division; area: HexWkb }[]): Promise<DemoData['areas']> {
  const rows = await queryRows<{ geojson: string }>(
    knex,
    `select ST_AsGeoJSON(wkb::geometry, ?::int) as geojson
       from json_to_recordset(?::json) as a(ord int, wkb text) order by ord`,
    [GRID_DECIMALS, JSON.stringify(items.map((i, ord) => ({ ord, wkb: i.area })))],
    items.length,
  );
  const features = rows.map((r, k): Feature<MultiPolygon, AreaProperties> => {
    const { code, name, level, parent_code } = items[k].division;
    return { type: 'Feature', geometry: JSON.parse(r.geojson), properties: { code, name, level, parent_code } };
  });
  return { type: 'FeatureCollection', features };
}

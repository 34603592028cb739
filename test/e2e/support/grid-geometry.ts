import { booleanPointInPolygon, point, pointToLineDistance, polygonToLine } from '@turf/turf';
import type { Feature, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';

type GridFeature = Feature<Polygon | MultiPolygon, { code: string; area_code: string }>;

/** Candidate points per side of a grid's bounding box when looking for a point deep inside it. */
const SAMPLES_PER_SIDE = 24;

/**
 * Two grids of one community that share a boundary, found as the pair sharing the most vertices
 * (grids are unions of the same units, so their common edges have identical vertices).
 */
export function neighbouringPair<G extends GridFeature>(grids: G[]): [G, G] | undefined {
  const vertexSets = grids.map((grid) => new Set(verticesOf(grid)));
  let best: { pair: [G, G]; shared: number } | undefined;
  for (let i = 0; i < grids.length; i += 1) {
    for (let j = i + 1; j < grids.length; j += 1) {
      if (grids[i].properties.area_code !== grids[j].properties.area_code) continue;
      let shared = 0;
      for (const vertex of vertexSets[i]) if (vertexSets[j].has(vertex)) shared += 1;
      if (shared >= 2 && shared > (best?.shared ?? 0)) best = { pair: [grids[i], grids[j]], shared };
    }
  }
  return best?.pair;
}

/** A point well inside a grid (the sampled point farthest from its boundary), to click on. */
export function interiorPoint(grid: GridFeature): [number, number] {
  const [west, south, east, north] = bboxOf(grid);
  const boundary = polygonToLine(grid) as Feature<LineString | MultiLineString> | { features: Feature<LineString | MultiLineString>[] };
  const lines = 'features' in boundary ? boundary.features : [boundary];
  let best: { position: [number, number]; depth: number } | undefined;
  for (let i = 1; i < SAMPLES_PER_SIDE; i += 1) {
    for (let j = 1; j < SAMPLES_PER_SIDE; j += 1) {
      const position: [number, number] = [
        west + ((east - west) * i) / SAMPLES_PER_SIDE,
        south + ((north - south) * j) / SAMPLES_PER_SIDE,
      ];
      const candidate = point(position);
      if (!booleanPointInPolygon(candidate, grid)) continue;
      const depth = Math.min(...lines.flatMap((line) => linesOf(line).map((part) => pointToLineDistance(candidate, part))));
      if (depth > (best?.depth ?? 0)) best = { position, depth };
    }
  }
  if (!best) throw new Error(`no point found inside grid ${grid.properties.code}`);
  return best.position;
}

function verticesOf(grid: GridFeature): string[] {
  const polygons = grid.geometry.type === 'Polygon' ? [grid.geometry.coordinates] : grid.geometry.coordinates;
  return polygons.flat(2).map(([lng, lat]) => `${lng.toFixed(7)},${lat.toFixed(7)}`);
}

function bboxOf(grid: GridFeature): [number, number, number, number] {
  const polygons = grid.geometry.type === 'Polygon' ? [grid.geometry.coordinates] : grid.geometry.coordinates;
  const positions = polygons.flat(2);
  const lngs = positions.map(([lng]) => lng);
  const lats = positions.map(([, lat]) => lat);
  return [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)];
}

function linesOf(line: Feature<LineString | MultiLineString>): Feature<LineString>[] {
  if (line.geometry.type === 'LineString') return [line as Feature<LineString>];
  return line.geometry.coordinates.map((coordinates) => ({
    type: 'Feature',
    properties: {},
    geometry: { type: 'LineString', coordinates },
  }));
}

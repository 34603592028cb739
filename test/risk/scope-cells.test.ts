/**
 * The cells whose rollups hold a scope's events alone (server/risk/scope-cells.ts): the reach of
 * H3 descendants it rests on, the classification of points against PolygonIndex (the ingest's
 * assignment, boundary rule included), and the bigint ranges of cells.
 */
import { cellToBoundary, cellToChildren, cellToLatLng, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { PolygonIndex } from '../../server/events/polygon-index';
import { createRng } from '../../server/geo/prng';
import { cellRanges, DESCENDANT_REACH, edgeLength, planOf, scopeCellsOf } from '../../server/risk/scope-cells';

/** Metres past a convex hexagon (0 inside), in a local plane about it. */
function outside(cell: string, lat: number, lng: number): number {
  const [clat, clng] = cellToLatLng(cell);
  const kx = 111_320 * Math.cos((clat * Math.PI) / 180), ky = 110_574;
  const ring = cellToBoundary(cell).map(([la, ln]) => [(ln - clng) * kx, (la - clat) * ky]);
  const [x, y] = [(lng - clng) * kx, (lat - clat) * ky];
  let worst = -Infinity;
  for (let i = 0; i < ring.length; i++) {
    const [ax, ay] = ring[i], [bx, by] = ring[(i + 1) % ring.length];
    // outward normal of a counter-clockwise ring: (dy, −dx)
    const [nx, ny] = [by - ay, -(bx - ax)], len = Math.hypot(nx, ny);
    worst = Math.max(worst, ((x - ax) * nx + (y - ay) * ny) / len);
  }
  return Math.max(0, worst);
}

describe('reach of res-12 descendants past their cell', () => {
  it('when cells around Nanjing at res 6–10 are measured, then no res-12 descendant reaches farther than 0.27 of the cell edge length past the hexagon, below DESCENDANT_REACH', () => {
    const rng = createRng(5);
    for (const [res, samples] of [[6, 1], [7, 2], [8, 6], [9, 20], [10, 40]]) {
      let worst = 0;
      for (let s = 0; s < samples; s++) {
        const cell = latLngToCell(31.6 + rng.next() * 1.2, 118.4 + rng.next() * 1.2, res);
        // the hexagon's orientation: its centre must be inside
        expect(outside(cell, ...cellToLatLng(cell))).toBe(0);
        for (const d of cellToChildren(cell, 12)) for (const [lat, lng] of cellToBoundary(d)) worst = Math.max(worst, outside(cell, lat, lng));
      }
      const reach = worst / edgeLength([[[[118.4, 31.6], [119.6, 31.6], [119.6, 32.8], [118.4, 31.6]]]], res);
      expect(reach, `res ${res}`).toBeGreaterThan(0.05); // they do stick out
      expect(reach, `res ${res}`).toBeLessThan(0.27);
      expect(reach).toBeLessThan(DESCENDANT_REACH);
    }
  });
});

describe('interior and edge cells', () => {
  // two areas along a zigzag border (B's code sorts first, so points on the border are B's), A with a hole, near Nanjing
  const x0 = 118.9, y0 = 32.1, dx = 0.0106, dy = 0.009;
  const p = (x: number, y: number) => [Number((x0 + x * dx).toFixed(6)), Number((y0 + y * dy).toFixed(6))];
  const zigzag = [[3, 0], [2.4, 1], [3.5, 2], [3.5, 3], [2.6, 4], [3.2, 5]];
  const A = [[[p(0, 0), ...zigzag.map(([x, y]) => p(x, y)), p(0, 5), p(0, 0)], [p(1, 3), p(1.6, 3), p(1.6, 3.6), p(1, 3.6), p(1, 3)]]];
  const B = [[[...[...zigzag].reverse().map(([x, y]) => p(x, y)), p(6, 0), p(6, 5), p(3.2, 5)]]];
  const index = new PolygonIndex([{ key: '2-A', coords: A }, { key: '1-B', coords: B }]);
  const cells = scopeCellsOf(A);

  /** Where the ingest puts a point and which of A's cells hold it: the interior level over its res-10 cell, or the edge. */
  function classify(lng: number, lat: number) {
    const d = cellToParent(latLngToCell(lat, lng, 12), 10);
    const level = [6, 7, 8, 9, 10].find((k) => cells.interior[k].has(k === 10 ? d : cellToParent(d, k)));
    return { area: index.locate(lng, lat), level, edge: cells.edge.has(d) };
  }

  it('when points fall anywhere, near the border, on it or on the hole\'s shore, then those under an interior cell are all A\'s and every point of A is under one interior cell or in the edge, never both', () => {
    const rng = createRng(9);
    const points: number[][] = [];
    for (let i = 0; i < 20_000; i++) points.push([x0 + (-0.5 + rng.next() * 7) * dx, y0 + (-0.5 + rng.next() * 6) * dy]);
    for (let i = 0; i < 20_000; i++) {
      const s = rng.int(0, zigzag.length - 2), t = rng.next(), off = (rng.next() * 2 - 1) * 0.3;
      const [[ax, ay], [bx, by]] = [zigzag[s], zigzag[s + 1]], len = Math.hypot(bx - ax, by - ay);
      points.push([x0 + (ax + (bx - ax) * t - ((by - ay) / len) * off) * dx, y0 + (ay + (by - ay) * t + ((bx - ax) / len) * off) * dy]);
    }
    for (let i = 0; i < 500; i++) points.push(p(3.5, 2 + rng.int(0, 1000) / 1000), p(1 + rng.int(0, 600) / 1000, 3), p(0, rng.int(0, 5000) / 1000));
    for (const [x, y] of zigzag) points.push(p(x, y));
    // points across the border from cells whose hexagon lies wholly on one side: near the corners of those cells' descendants
    for (const res of [8, 9, 10]) {
      for (const cell of new Set(points.slice(20_000, 22_000).flatMap(([lng, lat]) => gridDisk(latLngToCell(lat, lng, res), 1)))) {
        const [plat, plng] = cellToLatLng(cell);
        const side = index.locate(plng, plat);
        for (const d of cellToChildren(cell, 12)) {
          const [clat, clng] = cellToLatLng(d);
          for (const [lat, lng] of cellToBoundary(d)) {
            const corner = [clng + 0.97 * (lng - clng), clat + 0.97 * (lat - clat)];
            if (index.locate(corner[0], corner[1]) !== side) points.push(corner);
          }
        }
      }
    }
    const seen = { interior: new Set<number>(), edgeOfA: 0, edgeOfOthers: 0, borderToB: 0 };
    for (const [lng, lat] of points) {
      const { area, level, edge } = classify(lng, lat);
      expect(level !== undefined && edge, `${lng},${lat}`).toBe(false);
      if (level !== undefined) {
        expect(area, `${lng},${lat} under an interior cell at res ${level}`).toBe('2-A');
        seen.interior.add(level);
      }
      if (area === '2-A') expect(level !== undefined || edge, `${lng},${lat} of A`).toBe(true);
      if (edge) area === '2-A' ? seen.edgeOfA++ : seen.edgeOfOthers++;
      if (area === '1-B' && lng === p(3.5, 2)[0]) seen.borderToB++;
    }
    // every kind was met: interior cells of several levels, edge cells holding A's points and others'
    expect([...seen.interior].sort((a, b) => a - b)).toEqual([8, 9, 10]);
    expect(seen.edgeOfA).toBeGreaterThan(100);
    expect(seen.edgeOfOthers).toBeGreaterThan(100);
    expect(seen.borderToB).toBeGreaterThan(100);
  });

  it('when a plan is made for each resolution, then each point of A is counted once: in its own rollup cell, a finer level\'s or the edge', () => {
    const rng = createRng(13);
    for (const res of [6, 7, 8, 9, 10]) {
      const plan = planOf(cells, res)!;
      const finer = plan.finer.map((l) => ({ res: l.res, cells: new Set(l.cells) }));
      const edge = new Set(plan.edge.cells);
      for (let i = 0; i < 5000; i++) {
        const [lng, lat] = [x0 + (-0.5 + rng.next() * 7) * dx, y0 + (-0.5 + rng.next() * 6) * dy];
        const d = cellToParent(latLngToCell(lat, lng, 12), 10);
        const rollups = [plan.own.has(cellToParent(d, res)), ...finer.map((l) => l.cells.has(cellToParent(d, l.res)))].filter(Boolean).length;
        // A's points once; others' never from the rollups (in the edge, the events' area code leaves them out)
        if (index.locate(lng, lat) === '2-A') expect(rollups + (edge.has(d) ? 1 : 0), `res ${res}: ${lng},${lat}`).toBe(1);
        else expect(rollups, `res ${res}: ${lng},${lat}`).toBe(0);
      }
    }
  });
});

describe('cells as bigint ranges', () => {
  it('when cells are turned into ranges at a finer resolution, then exactly their descendants fall in a range', () => {
    const centre = latLngToCell(32.1, 118.9, 7);
    // all children of one res-6 cell (compacted into one range) and some cells around
    const set = [...new Set([...cellToChildren(cellToParent(centre, 6), 7), ...gridDisk(centre, 2).filter((_, i) => i % 3 !== 1)])];
    const ranges = cellRanges(set, 10);
    const inRange = (cell: string) => {
      const v = BigInt(`0x${cell}`);
      return ranges.lo.some((lo, i) => v >= BigInt(lo) && v <= BigInt(ranges.hi[i]));
    };
    const mine = new Set(set);
    for (const around of gridDisk(centre, 5)) {
      for (const child of cellToChildren(around, 10)) expect(inRange(child), child).toBe(mine.has(around));
    }
    // the cells' own resolution: the cells themselves
    const own = cellRanges(set, 7);
    expect(own.lo.length).toBeLessThan(set.length);
    for (const c of gridDisk(centre, 5)) expect(own.lo.some((lo, i) => BigInt(`0x${c}`) >= BigInt(lo) && BigInt(`0x${c}`) <= BigInt(own.hi[i])), c).toBe(mine.has(c));
  });
});

/**
 * bboxOverlap (server/risk/study-area.ts), the heatmap's "cells overlapping the bbox", against
 * turf's booleanIntersects of each hexagon with the box, for every cell around random boxes.
 */
import { bboxPolygon, booleanIntersects, polygon } from '@turf/turf';
import { cellToBoundary, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../server/geo/prng';
import { bboxOverlap } from '../../server/risk/study-area';

describe('bboxOverlap', () => {
  it('when cells around random boxes (a few cells to a screen across) are tested, then the answer is turf\'s hexagon–box intersection for every one', () => {
    const rng = createRng(3);
    let overlapping = 0;
    for (const res of [7, 8, 9, 10]) {
      for (let k = 0; k < 5; k++) {
        const [lng, lat] = [rng.range(118.6, 119.2), rng.range(31.9, 32.3)];
        const [w, h] = [rng.range(0.001, 0.05), rng.range(0.001, 0.03)];
        const b = { minLng: lng, minLat: lat, maxLng: lng + w, maxLat: lat + h };
        const box = bboxPolygon([b.minLng, b.minLat, b.maxLng, b.maxLat]);
        const test = bboxOverlap(b, res);
        const centre = latLngToCell(lat + h / 2, lng + w / 2, res);
        const around = gridDisk(centre, res >= 9 ? 40 : 12);
        for (const cell of around) {
          const expected = booleanIntersects(polygon([cellToBoundary(cell, true)]), box);
          expect(test(cell), `${cell} at res ${res} and box ${JSON.stringify(b)}`).toBe(expected);
          if (expected) overlapping++;
        }
      }
    }
    expect(overlapping).toBeGreaterThan(1000);
  });
});

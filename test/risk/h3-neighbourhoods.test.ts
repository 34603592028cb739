import { getPentagons, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { gridDiskIndices } from '../../server/risk/h3-neighbourhoods';

/** Each cell's neighbourhood as sorted cells, from the indices and from h3's gridDisk. */
function both(cells: string[], k: number) {
  const { start, neighbours } = gridDiskIndices(cells, k);
  const study = new Set(cells);
  return cells.map((cell, i) => [
    [...neighbours.subarray(start[i], start[i + 1])].map((j) => cells[j]).sort(),
    gridDisk(cell, k).filter((c) => study.has(c)).sort(),
  ]);
}

describe('neighbourhoods in a study area', () => {
  it('when the area is a disk of 19 cells, then the centre has all 19 within 2 and 7 within 1, itself included', () => {
    const cells = gridDisk(latLngToCell(32.1, 118.9, 9), 2);
    const { start } = gridDiskIndices(cells, 2);
    expect(start[1] - start[0]).toBe(19);
    expect(gridDiskIndices(cells, 1).start[1]).toBe(7);
  });
  it.each([
    ['Nanjing, one base cell', 32.1, 118.9, 8],
    ['across the base-cell edge at 116.2°E', 32, 116.2, 8],
    ['around the pentagon in the Yellow Sea', 39.1, 122.3, 6],
  ])('when the area lies %s, then every neighbourhood is gridDisk within the area', (_, lat, lng, res) => {
    const disk = gridDisk(latLngToCell(lat, lng, res), 12);
    const cells = disk.filter((_, i) => i % 5 !== 0); // holes, so some neighbours are missing
    for (const k of [1, 2]) for (const [mine, h3] of both(cells, k)) expect(mine).toEqual(h3);
  });
  it('when the area holds a pentagon, then it has 5 neighbours', () => {
    const pentagon = getPentagons(7)[0];
    const cells = gridDisk(pentagon, 2);
    const at = cells.indexOf(pentagon);
    const { start } = gridDiskIndices(cells, 1);
    expect(start[at + 1] - start[at]).toBe(6); // itself and 5
  });
  it('when a cell is listed twice, resolutions differ or a cell is not one, then the area is refused with the cell', () => {
    const cells = gridDisk(latLngToCell(32.1, 118.9, 9), 1);
    expect(() => gridDiskIndices([...cells, cells[3]], 1)).toThrow(new RegExp(`${cells[3]} twice`));
    const coarse = latLngToCell(32.1, 118.9, 8);
    expect(() => gridDiskIndices([...cells, coarse], 1)).toThrow(new RegExp(`${coarse} has resolution 8`));
    expect(() => gridDiskIndices([...cells, 'x'], 1)).toThrow(/'x' in the study area is not an H3 cell/);
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { iter } from 'but-unzip';
import { parseDbf, parseShp } from 'shpjs';
import wkx from 'wkx';
import { describe, expect, it } from 'vitest';
import { readGpkgGeometry } from '../../server/import/parse-geopackage';
import { CSV_BOM, csvCell, csvLine } from '../../server/export/csv';
import { utf8Prefix, writeDbf } from '../../server/export/dbf';
import { unionEnvelope } from '../../server/export/envelope';
import { gpkgGeometry } from '../../server/export/geopackage';
import { shapefileEntries, shapeOf, writeShp } from '../../server/export/shapefile';
import { safeFileName } from '../../server/export/write-export';
import { zip } from '../../server/export/zip';

const run = promisify(execFile);

describe('export writers (pure)', () => {
  it('when a zip is written, then it reads back entry by entry, deflated or stored, with UTF-8 names', async () => {
    const big = new TextEncoder().encode('网格'.repeat(2000));
    const tiny = new Uint8Array([1]);
    const bytes = zip([{ name: '网格.txt', data: big }, { name: 'a.bin', data: tiny }]);
    const read = new Map<string, Uint8Array>();
    for (const e of iter(bytes)) read.set(e.filename, await e.read());
    expect(new Uint8Array(read.get('网格.txt')!)).toEqual(big);
    expect(new Uint8Array(read.get('a.bin')!)).toEqual(tiny);
    expect(bytes.length).toBeLessThan(big.length / 10); // deflated

    const has = await run('unzip', ['-v']).then(() => true, () => false);
    if (has) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'gridatlas-zip-'));
      try {
        await writeFile(path.join(dir, 'x.zip'), bytes);
        const { stdout } = await run('unzip', ['-t', path.join(dir, 'x.zip')]);
        expect(stdout).toContain('No errors detected');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });

  it('when text is cut to a byte width, then no UTF-8 character is split', () => {
    expect(new TextDecoder().decode(utf8Prefix('西北社区', 7))).toBe('西北'); // 3 bytes each: 6 fit, the 7th would split 社
    expect(new TextDecoder().decode(utf8Prefix('ab西', 4))).toBe('ab');
    expect(utf8Prefix('abc', 10)).toEqual(new TextEncoder().encode('abc'));
  });

  it('when a dbf is written, then shpjs reads back text, numbers, logicals and blanks', () => {
    const dbf = writeDbf(
      [{ name: 'name', type: 'C' }, { name: 'households', type: 'N', length: 10 }, { name: 'area_m2', type: 'N', length: 19, decimals: 2 }, { name: 'ok', type: 'L' }, { name: 'short', type: 'C', length: 4 }],
      [['西北社区', 120, 12345.678, true, '东南西北'], [null, null, 0.5, false, 'ab']],
    );
    const rows = parseDbf(dbf, 'utf-8');
    expect(rows[0]).toEqual({ name: '西北社区', households: 120, area_m2: 12345.68, ok: true, short: '东' });
    expect(rows[1]).toMatchObject({ name: '', area_m2: 0.5, ok: false, short: 'ab' });
    expect(Number.isNaN(rows[1].households)).toBe(true); // blank number
    expect(() => writeDbf([{ name: 'n', type: 'N', length: 3 }], [[12345]])).toThrow('does not fit');
  });

  it('when polygons are written to .shp, then shpjs reads back parts, holes and null shapes', () => {
    const outer = [[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]; // clockwise
    const hole = [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.4], [0.2, 0.2]]; // counter-clockwise
    const apart = [[2, 0], [2, 1], [3, 1], [3, 0], [2, 0]];
    const { shp, shx } = writeShp('Polygon', [[outer, hole, apart], null, [apart]]);
    const shapes = parseShp(shp);
    expect(shapes).toHaveLength(3);
    expect(shapes[0]).toMatchObject({ type: 'MultiPolygon' });
    expect((shapes[0] as any).coordinates.map((p: number[][][]) => p.length)).toEqual([2, 1]); // one with a hole, one without
    expect(shapes[1]).toBeNull();
    expect(shapes[2]).toMatchObject({ type: 'Polygon' });
    const view = new DataView(shx.buffer);
    expect(view.getInt32(24, false) * 2).toBe(shx.length);
    expect(new DataView(shp.buffer).getFloat64(52, true)).toBe(3); // file bbox xmax
  });

  it('when points, multipoints and lines are written to .shp, then shpjs reads them back', () => {
    const point = writeShp('Point', [[[[118.5, 32.1]]], null]);
    expect(parseShp(point.shp)).toEqual([{ type: 'Point', coordinates: [118.5, 32.1] }, null]);
    expect(point.shp.length).toBe(100 + (8 + 20) + (8 + 4));
    const multi = writeShp('MultiPoint', [[[[0, 0], [1, 2]]]]);
    expect(parseShp(multi.shp)).toEqual([{ type: 'MultiPoint', coordinates: [[0, 0], [1, 2]], bbox: [0, 0, 1, 2] }]);
    const lines = writeShp('PolyLine', [[[[0, 0], [1, 1]], [[2, 2], [3, 3], [4, 2]]]]);
    expect(parseShp(lines.shp)).toEqual([{ type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3], [4, 2]]], bbox: [0, 0, 4, 3] }]);
  });

  it('when a layer mixes points and polygons, then the zip holds one shapefile per shape type', () => {
    const square = shapeOf({ type: 'Polygon', coordinates: [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]] });
    const dot = shapeOf({ type: 'Point', coordinates: [2, 2] });
    const fields = [{ name: 'name', type: 'C' as const }];
    const names = (entries: { name: string }[]) => entries.map((e) => e.name);
    expect(names(shapefileEntries('风险源', fields, [{ shape: dot, values: ['加油站'] }, { shape: square, values: ['洪涝'] }, { shape: dot, values: ['x'] }], 'Point')))
      .toEqual(['风险源-point.shp', '风险源-point.shx', '风险源-point.dbf', '风险源-point.prj', '风险源-point.cpg', '风险源-polygon.shp', '风险源-polygon.shx', '风险源-polygon.dbf', '风险源-polygon.prj', '风险源-polygon.cpg']);
    expect(names(shapefileEntries('网格', fields, [{ shape: square, values: ['a'] }], 'Polygon'))).toEqual(['网格.shp', '网格.shx', '网格.dbf', '网格.prj', '网格.cpg']);
    expect(names(shapefileEntries('空', fields, [], 'Point'))[0]).toBe('空.shp'); // an empty layer is still a shapefile
    expect(() => shapeOf({ type: 'GeometryCollection', geometries: [] })).toThrow('GeometryCollection');
  });

  it('when envelopes are combined, then the union covers them all, and none gives null', () => {
    expect(unionEnvelope([[0, 0, 1, 1], [2, -1, 3, 0]])).toEqual([0, -1, 3, 1]);
    expect(unionEnvelope([])).toBeNull();
    const many = Array.from({ length: 300_000 }, (_, i) => [i, 0, i + 1, 1] as [number, number, number, number]);
    expect(unionEnvelope(many)).toEqual([0, 0, 300_000, 1]); // no spread of 300,000 arguments
  });

  it('when a geometry blob is built, then the import reader parses it, and an empty one is flagged', () => {
    const wkb = wkx.Geometry.parseGeoJSON({ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] }).toWkb();
    const blob = gpkgGeometry(wkb, 4326, [0, 0, 1, 1]);
    expect(blob.length).toBe(8 + 32 + wkb.length);
    expect(readGpkgGeometry(blob)).toEqual({ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] });
    const empty = gpkgGeometry(wkx.Geometry.parse('MULTIPOLYGON EMPTY').toWkb(), 4326, null);
    expect(empty[3]).toBe(0b10001); // no envelope, empty, little-endian
    expect(readGpkgGeometry(empty)).toMatchObject({ type: 'MultiPolygon', coordinates: [] });
  });

  it('when CSV cells hold delimiters, quotes, line breaks or nothing, then they are quoted or left empty', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('说"好"')).toBe('"说""好"""');
    expect(csvCell('x\ny')).toBe('"x\ny"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(0.5)).toBe('0.5');
    expect(csvLine([1, '网格', null])).toBe('1,网格,\r\n');
    expect(CSV_BOM).toBe('\uFEFF');
  });

  it('when a file name is made from plan names, then path and control characters are replaced', () => {
    expect(safeFileName('综合网格-v1')).toBe('综合网格-v1');
    expect(safeFileName('a/b\\c:d*?"<>|e')).toBe('a_b_c_d_e');
    expect(safeFileName('  ')).toBe('layer');
  });
});

/**
 * GDAL's OGC API – Features client (the OAPIF driver of Debian's gdal-bin) against the running
 * service: `npm run test:gdal` (or `E2E_BASE_URL=http://127.0.0.1:8080 tsx test/gdal/ogc.gdal.ts`).
 *
 * - `ogrinfo -ro OAPIF:<base>/ogc` lists every collection GET /ogc/collections lists;
 * - `ogrinfo -ro -al -so OAPIF:<base>/ogc <collection>` reports, for every collection, the
 *   Feature Count GET …/items answers as numberMatched and the Extent of the collection's
 *   extent.spatial.bbox (within 1e-6°);
 * - with a bbox (-spat) and a property filter (-where street_code=…), which GDAL sends to the
 *   server, the count is the API's for the same bbox and filter;
 * - `ogr2ogr -f GPKG` copies the published comprehensive grids, a hazards collection and the
 *   events per grid by following the next links; `ogrinfo` on the GeoPackage counts as many
 *   features as numberMatched, and as many distinct grid codes (no page read twice).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getApi } from '../e2e/support/api';
import { serverUnderTest } from '../e2e/support/browser';
import { Checks, sameSet } from '../e2e/support/checks';
import { gdalAccess } from './gdal-access';

const GDAL_TIMEOUT_MS = 5 * 60_000;
const EXTENT_TOLERANCE_DEG = 1e-6;

interface Collection {
  id: string;
  extent: { spatial?: { bbox: number[][] } };
}
interface Page {
  numberMatched: number;
  features: { properties: Record<string, unknown> }[];
}

/**
 * Runs a GDAL program; its stdout, or an error with its stderr. Asynchronous: a blocked event loop
 * would miss the server closing an idle keep-alive socket, and the next fetch would fail on it.
 */
async function runGdal(program: 'ogrinfo' | 'ogr2ogr', args: string[]): Promise<string> {
  try {
    return (await promisify(execFile)(program, args, { encoding: 'utf8', timeout: GDAL_TIMEOUT_MS, maxBuffer: 64 << 20 })).stdout;
  } catch (error) {
    const { code, stderr } = error as { code?: number | string; stderr?: string };
    const shown = args.map((a) => a.replace(/Bearer \S+/, 'Bearer …')).join(' ');
    throw new Error(`${program} ${shown} exited with ${code}: ${stderr?.trim() ?? (error as Error).message}`);
  }
}

/** Layer names of `ogrinfo` without a layer: lines `1: name (title: …) (Multi Polygon)`. */
const listedLayers = (out: string) => [...out.matchAll(/^\d+: (\S+)/gm)].map((m) => m[1]);
const featureCount = (out: string) => Number(/^Feature Count: (\d+)$/m.exec(out)?.[1] ?? NaN);
function extentOf(out: string): number[] {
  const m = /^Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)$/m.exec(out);
  return m ? m.slice(1).map(Number) : [];
}
const near = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= EXTENT_TOLERANCE_DEG);

async function main(checks: Checks, baseUrl: string, outDir: string) {
  const service = `OAPIF:${baseUrl}/ogc`;
  const refused = await runGdal('ogrinfo', ['-ro', service]).then(() => 'listed', (e: Error) => e.message);
  checks.check('ogrinfo without an API token is refused (HTTP 401)', /401/.test(refused), refused.slice(0, 300));
  const access = await gdalAccess(baseUrl);
  const gdal = (program: 'ogrinfo' | 'ogr2ogr', args: string[]) => runGdal(program, [...access.config, ...args]);
  const { collections } = await getApi<{ collections: Collection[] }>(baseUrl, '/ogc/collections');
  const ids = collections.map((c) => c.id);
  const matched = async (id: string, query = '') => (await getApi<Page>(baseUrl, `/ogc/collections/${id}/items?limit=1${query}`)).numberMatched;

  const layers = listedLayers(await gdal('ogrinfo', ['-ro', service]));
  checks.check(`ogrinfo lists the ${ids.length} collections of /ogc/collections`, sameSet(layers, ids), `ogrinfo: ${layers.join(', ')}; API: ${ids.join(', ')}`);

  for (const c of collections) {
    const out = await gdal('ogrinfo', ['-ro', '-al', '-so', service, c.id]);
    const expected = await matched(c.id);
    checks.check(`${c.id}: Feature Count ${featureCount(out)} = numberMatched ${expected}`, featureCount(out) === expected);
    const bbox = c.extent.spatial?.bbox[0] ?? [];
    checks.check(`${c.id}: Extent ${extentOf(out).join(', ')} = extent.spatial.bbox within ${EXTENT_TOLERANCE_DEG}°`, near(extentOf(out), bbox), `API: ${bbox.join(', ')}`);
  }

  const grids = ids.find((id) => /^layer-\d+-comprehensive$/.test(id));
  if (!grids) throw new Error('no published comprehensive layer among the collections');
  const [minLng, minLat, maxLng, maxLat] = collections.find((c) => c.id === grids)!.extent.spatial!.bbox[0];
  const quarter = [minLng, minLat, (minLng + maxLng) / 2, (minLat + maxLat) / 2];
  const inQuarter = featureCount(await gdal('ogrinfo', ['-ro', '-al', '-so', '-spat', ...quarter.map(String), service, grids]));
  const apiQuarter = await matched(grids, `&bbox=${quarter.join(',')}`);
  checks.check(`${grids} in the south-west quarter of its extent: ogrinfo -spat counts ${inQuarter}, the API's bbox ${apiQuarter}`, inQuarter === apiQuarter && apiQuarter > 0);

  const { features: [first] } = await getApi<Page>(baseUrl, `/ogc/collections/${grids}/items?limit=1`);
  const street = String(first.properties.street_code);
  const onStreet = featureCount(await gdal('ogrinfo', ['-ro', '-al', '-so', '-where', `street_code = '${street}'`, service, grids]));
  const apiStreet = await matched(grids, `&street_code=${street}`);
  checks.check(`${grids} of street ${street}: ogrinfo -where counts ${onStreet}, the API's filter ${apiStreet}`, onStreet === apiStreet && apiStreet > 0);

  const hazards = ids.find((id) => id.startsWith('hazards-'));
  for (const id of [grids, hazards, 'events-per-grid']) {
    if (!id || !ids.includes(id)) throw new Error(`collection ${id ?? 'hazards-*'} is missing`);
    const gpkg = path.join(outDir, `${id}.gpkg`);
    await gdal('ogr2ogr', ['-f', 'GPKG', gpkg, service, id]);
    const copied = featureCount(await gdal('ogrinfo', ['-ro', '-so', gpkg, id]));
    const expected = await matched(id);
    checks.check(`ogr2ogr copied ${id} to a GeoPackage: ${copied} features = numberMatched ${expected}`, copied === expected);
    if (id !== hazards) {
      const distinct = /n \(Integer\) = (\d+)/.exec(await gdal('ogrinfo', ['-ro', '-q', gpkg, '-sql', `select count(distinct code) as n from "${id}"`]))?.[1];
      checks.check(`${id} in the GeoPackage: ${distinct} distinct codes, each grid once`, Number(distinct) === expected);
    }
  }
}

const checks = new Checks();
const server = await serverUnderTest();
const outDir = mkdtempSync(path.join(tmpdir(), 'gridatlas-gdal-ogc-'));
try {
  await main(checks, server.baseUrl, outDir);
} catch (error) {
  checks.fail('the run reached its end', error);
} finally {
  rmSync(outDir, { recursive: true, force: true });
  await server.stop();
}
console.log(checks.summary());
process.exitCode = checks.failed === 0 ? 0 : 1;

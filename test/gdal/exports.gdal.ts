/**
 * GDAL reads our exports: `npm run test:gdal` (or `E2E_BASE_URL=http://… tsx test/gdal/exports.gdal.ts`
 * against a server with the seeded demo). Downloads the published comprehensive plan, the police
 * layer (by layer id) and the hazard sources as GeoPackage and zipped Shapefile, unzips the
 * shapefiles, and checks with `ogrinfo -ro -al -so` that every layer is in EPSG:4326, that the
 * feature counts add up to the API's, and (`ogrinfo -ro -al -q -where`) that a Chinese name reads
 * back intact from one feature.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { iter } from 'but-unzip';
import type { FeatureCollection } from 'geojson';
import { getApi } from '../e2e/support/api';
import { Checks } from '../e2e/support/checks';
import { gdalAccess } from './gdal-access';

const run = promisify(execFile);
const baseUrl = process.env.E2E_BASE_URL?.replace(/\/$/, '');
if (!baseUrl) throw new Error('set E2E_BASE_URL to a server with the seeded demo (npm run test:gdal does)');

interface PlanSummary { id: number; layer_id: number; layer_name: string; layer_kind: string; name: string; status: string; grid_counts: Record<string, number> }

/** One thing to download and what GDAL must find in it. */
interface Subject {
  label: string;
  /** export path without the format */
  path: string;
  features: number;
  /** the Chinese layer title: the GeoPackage's identifier */
  title: string;
  /** a feature that must read back: its key attribute and value, and its Chinese name (the demo's comprehensive grids have none) */
  probe?: { attribute: string; value: string; name: string };
}

const checks = new Checks();
const ogrinfo = async (...args: string[]) => (await run('ogrinfo', args, { maxBuffer: 64 << 20 })).stdout;

/** Downloads an export; a zip is unpacked into a folder of its own. Returns what ogrinfo opens. */
async function download(dir: string, exportPath: string, format: 'gpkg' | 'shp'): Promise<{ open: string; filename: string }> {
  const res = await fetch(`${baseUrl}${exportPath}${exportPath.includes('?') ? '&' : '?'}format=${format}`, { headers: { authorization: `Bearer ${secret}` } });
  if (!res.ok) throw new Error(`GET ${exportPath} answered ${res.status}: ${await res.text()}`);
  const filename = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export');
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (format === 'gpkg') {
    const file = path.join(dir, filename);
    await writeFile(file, bytes);
    return { open: file, filename };
  }
  const folder = await mkdtemp(path.join(dir, 'shp-'));
  for (const entry of iter(bytes)) await writeFile(path.join(folder, entry.filename), await entry.read());
  return { open: folder, filename };
}

async function checkExport(dir: string, subject: Subject, format: 'gpkg' | 'shp') {
  const what = `${subject.label} as ${format}`;
  const { open, filename } = await download(dir, subject.path, format);
  const summary = await ogrinfo('-ro', '-al', '-so', open);
  const layers = [...summary.matchAll(/^Layer name: (.+)$/gm)].map((m) => m[1]);
  const counts = [...summary.matchAll(/^Feature Count: (\d+)$/gm)].map((m) => Number(m[1]));
  const total = counts.reduce((a, b) => a + b, 0);
  console.log(`    ${filename}: ${layers.map((l, i) => `${l} (${counts[i]})`).join(', ')}`);
  checks.check(`${what}: ogrinfo opens ${layers.length} layer(s) with ${total} features, the API's ${subject.features}`, layers.length > 0 && total === subject.features, summary.slice(0, 800));
  const epsg = summary.match(/ID\["EPSG",4326\]\]\s*$/gm) ?? [];
  checks.check(`${what}: every layer's SRS is EPSG:4326`, epsg.length === layers.length, summary.match(/^Layer SRS WKT:[\s\S]*?^Data axis/m)?.[0]);
  if (format === 'shp') {
    const base = filename.replace(/\.zip$/, '');
    checks.check(`${what}: the layers keep the Chinese file name '${base}'`, layers.every((l) => l.startsWith(base)), layers.join(', '));
  } else {
    const identifier = /^\s*IDENTIFIER=(.*)$/m.exec(summary)?.[1];
    checks.check(`${what}: the layer's identifier reads '${subject.title}'`, identifier === subject.title, `ogrinfo read ${JSON.stringify(identifier)}`);
  }
  if (!subject.probe) return;
  const feature = await ogrinfo('-ro', '-al', '-q', '-where', `${subject.probe.attribute} = '${subject.probe.value}'`, open);
  const name = /^\s*name \(String\) = (.*)$/m.exec(feature)?.[1];
  checks.check(`${what}: ${subject.probe.attribute} ${subject.probe.value} reads back named '${subject.probe.name}'`, name === subject.probe.name, `ogrinfo read name ${JSON.stringify(name)}`);
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** A feature of a GeoJSON answer with a Chinese name, as the probe; none if no feature has one. */
function probeOf(fc: FeatureCollection, attribute: string): Subject['probe'] {
  const f = fc.features.find((x) => /\p{Script=Han}/u.test(String(x.properties?.name ?? '')));
  return f && { attribute, value: String(f.properties![attribute]), name: String(f.properties!.name) };
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'gridatlas-gdal-exports-'));
let secret = '';
try {
  secret = (await gdalAccess(baseUrl)).secret;
  const plans = await getApi<PlanSummary[]>(baseUrl, '/api/plans');
  const comprehensive = plans.find((p) => p.layer_kind === 'comprehensive' && p.status === 'published');
  const police = plans.find((p) => p.layer_kind === 'police' && p.status === 'published');
  if (!comprehensive || !police) throw new Error('the demo has no published comprehensive or police plan');
  const gridsOf = (p: PlanSummary) => getApi<FeatureCollection>(baseUrl, `/api/plans/${p.id}/grids`);
  const hazards = await getApi<FeatureCollection>(baseUrl, '/api/hazards');
  const subjects: Subject[] = [
    { label: `plan ${comprehensive.id} (${comprehensive.layer_name})`, path: `/api/plans/${comprehensive.id}/export`, features: sum(comprehensive.grid_counts), title: `${comprehensive.layer_name} ${comprehensive.name}`, probe: probeOf(await gridsOf(comprehensive), 'code') },
    { label: `layer ${police.layer_id} (${police.layer_name})`, path: `/api/layers/${police.layer_id}/export`, features: sum(police.grid_counts), title: `${police.layer_name} ${police.name}`, probe: probeOf(await gridsOf(police), 'code') },
    { label: 'hazard sources', path: '/api/hazards/export', features: hazards.features.length, title: '风险源', probe: probeOf({ ...hazards, features: hazards.features.map((f) => ({ ...f, properties: { ...f.properties, id: f.properties!.ext_id } })) }, 'id') },
  ];
  for (const subject of subjects) {
    for (const format of ['gpkg', 'shp'] as const) {
      try {
        await checkExport(dir, subject, format);
      } catch (e) {
        checks.fail(`${subject.label} as ${format}`, e);
      }
    }
  }
} catch (e) {
  checks.fail('the run reached its end', e);
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(checks.summary());
process.exitCode = checks.failed === 0 ? 0 : 1;

import { parse as parseCsv } from 'csv-parse';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export const EVENT_FORMATS = ['ndjson', 'csv', 'geojson'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

/** One record of a batch, numbered from 1 in the order sent; or why it could not be read. */
export type NumberedRecord = { row: number; record: Record<string, unknown> } | { row: number; reason: string; raw: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The records of a batch as they stream in: NDJSON one JSON object per line (blank lines
 * skipped), CSV with a header row (UTF-8, BOM allowed, quoted fields may hold commas and line
 * breaks), or a GeoJSON FeatureCollection of Points (read whole: its properties plus `lng`,
 * `lat`). Rows are numbered from 1: NDJSON by line, CSV by data row, GeoJSON by feature.
 */
export async function* recordsFrom(stream: Readable, format: EventFormat): AsyncGenerator<NumberedRecord> {
  if (format === 'ndjson') {
    let row = 0;
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      row++;
      if (!line.trim()) continue;
      try {
        const value = JSON.parse(line);
        yield isObject(value) ? { row, record: value } : { row, reason: 'not a JSON object', raw: line };
      } catch (e) {
        yield { row, reason: `not JSON: ${(e as Error).message}`, raw: line };
      }
    }
    return;
  }
  if (format === 'csv') {
    let row = 0;
    const parser = stream.pipe(parseCsv({ columns: (h: string[]) => h.map((c) => c.trim()), bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }));
    stream.on('error', (e) => parser.destroy(e)); // pipe() does not pass the source's errors on
    for await (const record of parser as AsyncIterable<Record<string, string>>) yield { row: ++row, record };
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    yield { row: 0, reason: `the body is not JSON: ${(e as Error).message}`, raw: '' };
    return;
  }
  const features = isObject(doc) && doc.type === 'FeatureCollection' && Array.isArray(doc.features) ? doc.features : isObject(doc) && doc.type === 'Feature' ? [doc] : null;
  if (!features) {
    yield { row: 0, reason: 'the body is not a GeoJSON FeatureCollection or Feature', raw: '' };
    return;
  }
  for (const [i, f] of features.entries()) {
    const read = featureRecord(f);
    yield 'record' in read ? { row: i + 1, record: read.record } : { row: i + 1, reason: read.reason, raw: JSON.stringify(f).slice(0, 500) };
  }
}

/** A GeoJSON Point feature as a flat record: its id, its properties, `lng` and `lat`. */
export function featureRecord(f: unknown): { record: Record<string, unknown> } | { reason: string } {
  const geometry = isObject(f) && isObject(f.geometry) ? f.geometry : null;
  if (!isObject(f) || !geometry || geometry.type !== 'Point' || !Array.isArray(geometry.coordinates)) {
    return { reason: `geometry must be a Point, got ${geometry ? String(geometry.type) : 'none'}` };
  }
  const [lng, lat] = geometry.coordinates as unknown[];
  const properties = isObject(f.properties) ? f.properties : {};
  return { record: { ...(f.id !== undefined && { id: f.id }), ...properties, lng, lat } };
}

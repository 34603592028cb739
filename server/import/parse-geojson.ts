import { fileError } from './import-errors';

/** Parses a GeoJSON upload; what it holds is checked later by check-structure. */
export function parseGeojson(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes); // drops a UTF-8 BOM
  try {
    return JSON.parse(text);
  } catch (e) {
    throw fileError(400, 'invalid_json', `the upload is not valid JSON: ${(e as Error).message}`);
  }
}

import type { ImportFormat } from './import.schema';
import { parseCsv, type CsvColumns } from './parse-csv';
import { parseGeojson } from './parse-geojson';
import { parseGeopackage } from './parse-geopackage';
import { parseShapefile } from './parse-shapefile';

/** The upload as GeoJSON-shaped data, for importFeatures to validate. */
export async function parseUpload(bytes: Uint8Array, format: ImportFormat, csv: CsvColumns): Promise<unknown> {
  switch (format) {
    case 'geojson':
      return parseGeojson(bytes);
    case 'csv':
      return parseCsv(bytes, csv);
    case 'shapefile':
      return parseShapefile(bytes);
    case 'geopackage':
      return parseGeopackage(bytes);
  }
}

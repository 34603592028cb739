import type { Request } from 'express';

export const JSON_TYPE = 'application/json';
export const GEOJSON_TYPE = 'application/geo+json';
export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0';
export const JSON_SCHEMA_TYPE = 'application/schema+json';

export interface Link {
  href: string;
  rel: string;
  type: string;
  title?: string;
}

/**
 * The absolute root of the OGC API as the client reached it: scheme, Host header and mount
 * point (`http://127.0.0.1:8080/ogc`), so links work through whatever name the client used.
 */
export const serviceRoot = (req: Request): string => `${req.protocol}://${req.get('host')}${req.baseUrl}`;

/** `root` + `path`, with the query when there is one. */
export function href(root: string, path: string, query?: URLSearchParams): string {
  const q = query?.toString();
  return `${root}${path}${q ? `?${q}` : ''}`;
}

export const link = (rel: string, type: string, url: string, title?: string): Link => ({ href: url, rel, type, ...(title && { title }) });

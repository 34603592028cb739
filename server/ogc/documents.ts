import type { Feature } from 'geojson';
import type { OgcCollection } from './collections';
import type { SpatialExtent } from './features.repo';
import { itemsSearchParams, type ItemsQuery } from './items-query';
import { GEOJSON_TYPE, JSON_SCHEMA_TYPE, JSON_TYPE, OPENAPI_TYPE, href, link } from './links';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian';
const REL_CONFORMANCE = 'conformance';
const REL_DATA = 'data';
const REL_QUERYABLES = 'http://www.opengis.net/def/rel/ogc/1.0/queryables';

/** What this implementation conforms to: Part 1 Core with GeoJSON and OpenAPI 3.0, Part 3 queryables as query parameters. */
export const CONFORMANCE_CLASSES = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
];

export const SERVICE_TITLE = 'gridatlas OGC API – Features';

export function landingPage(root: string) {
  return {
    title: SERVICE_TITLE,
    description: 'Areas, grid layers and plans, overlay layers, hazard sources, response points and events per grid of grid-based social governance, as OGC API – Features (GeoJSON, CRS84).',
    links: [
      link('self', JSON_TYPE, href(root, ''), 'this document'),
      link('service-desc', OPENAPI_TYPE, href(root, '/api'), 'the API definition (OpenAPI 3.0)'),
      link(REL_CONFORMANCE, JSON_TYPE, href(root, '/conformance'), 'conformance classes implemented'),
      link(REL_DATA, JSON_TYPE, href(root, '/collections'), 'the feature collections'),
    ],
  };
}

export function conformance(root: string) {
  return { links: [link('self', JSON_TYPE, href(root, '/conformance'))], conformsTo: CONFORMANCE_CLASSES };
}

const collectionPath = (c: OgcCollection) => `/collections/${encodeURIComponent(c.id)}`;

/** A collection's description: links, extent (CRS84 bbox; time span where datetime applies), CRS. */
export function collectionDocument(root: string, c: OgcCollection, extent: { spatial: SpatialExtent | null; temporal: [string, string] | null }) {
  const path = collectionPath(c);
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    itemType: 'feature',
    links: [
      link('self', JSON_TYPE, href(root, path), 'this collection'),
      link('items', GEOJSON_TYPE, href(root, `${path}/items`), `the features of ${c.id}`),
      link(REL_QUERYABLES, JSON_SCHEMA_TYPE, href(root, `${path}/queryables`), 'the properties features can be filtered on (?name=value)'),
    ],
    extent: {
      ...(extent.spatial && {
        spatial: { bbox: [[extent.spatial.minLng, extent.spatial.minLat, extent.spatial.maxLng, extent.spatial.maxLat]], crs: CRS84 },
      }),
      ...(c.timeSpan && { temporal: { interval: [extent.temporal ?? [null, null]], trs: GREGORIAN } }),
    },
    crs: [CRS84],
    storageCrs: CRS84,
  };
}

export function collectionsDocument(root: string, collections: ReturnType<typeof collectionDocument>[]) {
  return {
    links: [link('self', JSON_TYPE, href(root, '/collections'), 'the feature collections')],
    collections,
  };
}

/**
 * One page of features: numberMatched / numberReturned, a timeStamp, and self, next and prev
 * links that repeat the request's filters so following `next` walks every match once.
 */
export function itemsDocument(root: string, c: OgcCollection, q: ItemsQuery, page: { features: Feature[]; numberMatched: number }, now: Date) {
  const path = `${collectionPath(c)}/items`;
  const links = [
    link('self', GEOJSON_TYPE, href(root, path, itemsSearchParams(q, q.offset)), 'this page'),
    link('collection', JSON_TYPE, href(root, collectionPath(c)), 'the collection'),
  ];
  if (q.offset + page.features.length < page.numberMatched && page.features.length > 0) {
    links.push(link('next', GEOJSON_TYPE, href(root, path, itemsSearchParams(q, q.offset + q.limit)), 'the next page'));
  }
  if (q.offset > 0) links.push(link('prev', GEOJSON_TYPE, href(root, path, itemsSearchParams(q, Math.max(0, q.offset - q.limit))), 'the previous page'));
  return {
    type: 'FeatureCollection',
    timeStamp: now.toISOString(),
    numberMatched: page.numberMatched,
    numberReturned: page.features.length,
    links,
    features: page.features,
  };
}

/** One feature with its self and collection links. */
export function itemDocument(root: string, c: OgcCollection, feature: Feature, datetime?: string) {
  const self = href(root, `${collectionPath(c)}/items/${encodeURIComponent(String(feature.id))}`, datetime ? new URLSearchParams({ datetime }) : undefined);
  return {
    ...feature,
    links: [link('self', GEOJSON_TYPE, self, 'this feature'), link('collection', JSON_TYPE, href(root, collectionPath(c)), 'the collection')],
  };
}

/** Part 3 queryables: a JSON Schema of the properties `?name=value` filters on. */
export function queryablesDocument(root: string, c: OgcCollection) {
  const props = Object.entries(c.source.properties).filter(([, p]) => p.queryable);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: href(root, `${collectionPath(c)}/queryables`),
    type: 'object',
    title: c.title,
    properties: Object.fromEntries(props.map(([name, p]) => [name, { title: name, description: p.description, type: p.type }])),
    additionalProperties: false,
  };
}

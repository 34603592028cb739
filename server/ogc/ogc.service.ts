import type { Knex } from 'knex';
import type { Scope } from '../auth/scope';
import { AppError, notFound } from '../http/errors';
import { findCollection, listCollections, type OgcCollection } from './collections';
import { collectionDocument, collectionsDocument, itemDocument, itemsDocument } from './documents';
import { getFeature, listFeatures, spatialExtent } from './features.repo';
import { queryableNames } from './feature-sources';
import { parseItemQuery, parseItemsQuery, type ItemsQuery } from './items-query';

/** The collection or a 404 that names it and says where the list is. */
export async function requireCollection(knex: Knex, id: string, scope: Scope): Promise<OgcCollection> {
  const c = await findCollection(knex, id, scope);
  if (!c) throw new AppError(404, 'not_found', `collection '${id}' not found; /ogc/collections lists them`);
  return c;
}

async function describe(knex: Knex, root: string, c: OgcCollection) {
  const spatial = await spatialExtent(knex, c.source);
  const temporal = c.timeSpan ? await c.timeSpan(knex) : null;
  return collectionDocument(root, c, { spatial, temporal });
}

export async function describeCollections(knex: Knex, root: string, scope: Scope) {
  const docs = [];
  for (const c of await listCollections(knex, scope)) docs.push(await describe(knex, root, c));
  return collectionsDocument(root, docs);
}

export async function describeCollection(knex: Knex, root: string, id: string, scope: Scope) {
  return describe(knex, root, await requireCollection(knex, id, scope));
}

/** A page of a collection's features for the request's query, with its links. */
export async function itemsPage(knex: Knex, root: string, id: string, rawQuery: Record<string, unknown>, scope: Scope, now = new Date()) {
  const c = await requireCollection(knex, id, scope);
  const q: ItemsQuery = parseItemsQuery(rawQuery, { queryables: queryableNames(c.source), temporal: c.timeSpan !== undefined }, c.id);
  const page = await listFeatures(knex, c.source, { bbox: q.bbox, properties: q.properties, datetime: q.datetime }, q.limit, q.offset);
  return itemsDocument(root, c, q, page, now);
}

/** One feature; `datetime` (where it applies) sets the window its counts are over. */
export async function oneItem(knex: Knex, root: string, id: string, featureId: string, rawQuery: Record<string, unknown>, scope: Scope) {
  const c = await requireCollection(knex, id, scope);
  const { datetime } = parseItemQuery(rawQuery, c.timeSpan !== undefined, c.id);
  const feature = await getFeature(knex, c.source, featureId, { datetime });
  if (!feature) throw notFound(`feature '${featureId}' in collection '${c.id}'`);
  return itemDocument(root, c, feature, datetime?.text);
}

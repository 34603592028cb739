import type { Request } from 'express';
import { actorName, principalOf, scopeOfRequest, seesDetails } from '../auth/principal';
import { scopeOf, scopeWithin } from '../auth/scope';
import type { AppDeps } from '../deps';
import { apiRouter } from '../http/api-router';
import { jsonBody, limitedBody } from '../http/body-limits';
import { AppError, badRequest, conflict, notFound } from '../http/errors';
import { parseOr400, parsePagedOr400 } from '../http/validate';
import { reprojectToWgs84 } from '../import/reproject';
import { readEventRow } from './event-row';
import { eventDetail, listEvents, setStatus, storedId } from './events-read.repo';
import { eventInScope } from './event-scope';
import { insertEvents } from './events.repo';
import { rollUp } from './rollups';
import { ingestTransaction } from '../risk/window-cache';
import { assignQuery, bulkQuery, eventIdParams, listEventsQuery, singleQuery, statusBody } from './events.schema';
import { GridIndex } from './grid-index';
import { ingestEvents, outsideAreaReason, type IngestArea } from './ingest';
import { featureRecord, recordsFrom } from './record-streams';

/** The area a caller may ingest events in (none: every area). */
function ingestArea(req: Request): IngestArea | undefined {
  const p = principalOf(req);
  return p.scope.prefix ? { scope: p.scope, holder: p.kind } : undefined;
}

/**
 * A batch as its sender, or an admin whose scope holds the sender's area (the batch's
 * `area_code`; a batch of an unbounded sender, null, only an unbounded admin), may read it;
 * anyone else gets a 404, as if it did not exist (its rejects hold the records as sent,
 * sensitive fields and all).
 */
async function readableBatch(knex: AppDeps['db']['knex'], req: Request, id: number, columns: string) {
  const p = principalOf(req);
  const { rows } = await knex.raw(`select ${columns}, created_by as sent_by, area_code::text as sent_in from event_batches where id = ?`, [id]);
  const { sent_by: sentBy, sent_in: sentIn, ...batch } = rows[0] ?? {};
  const readable = rows.length > 0 && (sentBy === actorName(p) || (p.role === 'admin' && scopeWithin(scopeOf(sentIn ?? null), p.scope)));
  if (!readable) throw notFound(`batch ${id}`);
  return batch;
}

export function eventRoutes({ db, config }: AppDeps) {
  const { router, add } = apiRouter('/api');
  const json = jsonBody(config.JSON_LIMIT_MB);
  router.use('/events', (req, res, next) => (req.path === '/bulk' ? next() : json(req, res, next)));

  // the assignment index, rebuilt when a plan was published or archived since it was built
  let index: Promise<GridIndex> | null = null;
  const currentIndex = async () => {
    // a load that failed (the database away) is not kept: the next request loads again
    const built = await (index ??= GridIndex.load(db.knex).catch((e: unknown) => { index = null; throw e; }));
    const fresh = await built.refresh(db.knex);
    if (fresh !== built) index = Promise.resolve(fresh);
    return fresh;
  };

  add({ method: 'post', path: '/events/bulk', access: 'events:write', summary: 'Bulk ingest of events (NDJSON, CSV or GeoJSON, streamed): each row checked and assigned to its grids and H3 cell; bad rows reported by number; re-sending writes no duplicates', tag: 'events', query: bulkQuery, body: ['application/x-ndjson', 'text/csv', 'application/geo+json'] }, async (req, res) => {
    const q = parseOr400(bulkQuery, req.query);
    const body = limitedBody(req, config.EVENT_BATCH_LIMIT_MB, 'EVENT_BATCH_LIMIT_MB');
    try {
      const result = await ingestEvents(db.knex, await currentIndex(), recordsFrom(body, q.format), { ...q, maxRows: config.EVENT_BATCH_MAX_ROWS, area: ingestArea(req) });
      res.status(result.accepted ? 201 : 200).json({ ...result, ...(result.rejected && { rejectsUrl: `/api/events/batches/${result.batchId}/rejects` }) });
    } finally {
      // stopped before the end (a limit): the rest of the body is read and dropped, so the client reads the answer
      body.destroy();
      req.resume();
    }
  });

  add({ method: 'post', path: '/events', access: 'events:write', summary: 'One event (JSON object or GeoJSON Point feature); answers it with where it was assigned; re-sending the same source and external id answers the stored one', tag: 'events', query: singleQuery, status: 201 }, async (req, res) => {
    const q = parseOr400(singleQuery, req.query);
    const body: unknown = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_body', 'the body must be one JSON object (an event) or a GeoJSON Feature');
    const record = (body as { type?: unknown }).type === 'Feature' ? featureRecord(body) : { record: body as Record<string, unknown> };
    const read = 'record' in record ? readEventRow(record.record, q.crs, q.source) : record;
    if ('reason' in read) throw badRequest('invalid_event', `the event is invalid: ${read.reason}`);
    const event = { ...read.row, ...(await currentIndex()).assign(read.row.lng, read.row.lat) };
    const area = ingestArea(req);
    if (area && !eventInScope(area.scope, event)) {
      throw new AppError(403, 'out_of_scope', `the event lies ${outsideAreaReason(area)}; nothing was written`, { area: area.scope.areaCode });
    }
    const { inserted } = await ingestTransaction(db.knex, async (trx, announce) => {
      const written = await insertEvents(trx, null, [event]);
      if (written.inserted.length) announce(await rollUp(trx, { ids: written.inserted.map((r) => r.id) }), [event]);
      return written;
    });
    const id = inserted[0]?.id ?? (await storedId(db.knex, event.source, event.externalId!));
    const scope = scopeOfRequest(req);
    // a re-send answers the stored event, unless the one stored under that key lies outside the caller's scope
    const stored = await eventDetail(db.knex, id, seesDetails(req), scope).catch((e: unknown) => {
      if (e instanceof AppError && e.status === 404) throw conflict('duplicate_out_of_scope', `an event of source '${event.source}' with external id '${event.externalId}' is stored outside your area; nothing was written`);
      throw e;
    });
    res.status(inserted.length ? 201 : 200).json({ duplicate: !inserted.length, event: stored });
  });

  add({ method: 'get', path: '/events/assign', access: 'areas:read', summary: "Dispatch answer without storing: the grid, police grid, emergency and safety grid and areas a point falls in; a 404 for a point outside the caller's area (decided as an event there would be)", tag: 'events', query: assignQuery }, async (req, res) => {
    const q = parseOr400(assignQuery, req.query);
    const [lng, lat] = reprojectToWgs84({ type: 'Point', coordinates: [q.lng, q.lat] }, q.crs).coordinates;
    const assignment = (await currentIndex()).assign(lng, lat);
    // an event there would lie outside the caller's scope: nothing of where it falls is shown, as if nothing were there
    if (!eventInScope(scopeOfRequest(req), assignment)) throw new AppError(404, 'not_found', `no area of yours holds the point ${lng}, ${lat}`);
    res.json({ lng, lat, ...assignment });
  });

  add({ method: 'get', path: '/events/batches/:id', access: 'events:write', summary: "One ingest batch: rows, accepted, duplicates, rejected, its sender and the sender's area (its sender or an admin whose area holds the sender's only)", tag: 'events' }, async (req, res) => {
    const { id } = parseOr400(eventIdParams, req.params, 'path');
    res.json(await readableBatch(db.knex, req, id, 'id, source, format, crs, mode, rows, accepted, duplicates, rejected, created_by, area_code::text as area_code, created_at'));
  });

  add({ method: 'get', path: '/events/batches/:id/rejects', access: 'events:write', summary: "A batch's rejected rows as CSV: row, reason, record (its sender or an admin whose area holds the sender's only)", tag: 'events', produces: 'text/csv' }, async (req, res) => {
    const { id } = parseOr400(eventIdParams, req.params, 'path');
    const batch = await readableBatch(db.knex, req, id, 'rejects_csv');
    res.type('text/csv; charset=utf-8').attachment(`rejects-${id}.csv`).send(batch.rejects_csv ?? '\ufeffrow,reason,record\r\n');
  });

  add({ method: 'get', path: '/events', access: 'events:read', summary: "Events in the caller's area by grid, police grid, type and time, newest first, paged", tag: 'events', query: listEventsQuery }, async (req, res) => {
    res.json(await listEvents(db.knex, parsePagedOr400(listEventsQuery, req.query, config.MAX_PAGE_SIZE), scopeOfRequest(req)));
  });

  add({ method: 'get', path: '/events/:id', access: 'events:read', summary: "One event in the caller's area with its assignment, sensitive fields and status history", tag: 'events' }, async (req, res) => {
    const { id } = parseOr400(eventIdParams, req.params, 'path');
    res.json(await eventDetail(db.knex, id, true, scopeOfRequest(req)));
  });

  add({ method: 'patch', path: '/events/:id/status', access: 'events:status', summary: 'Moves an event one step along 接单 → 核单 → 派单 → 办单 → 交单 → 评单, recording the step', tag: 'events' }, async (req, res) => {
    const { id } = parseOr400(eventIdParams, req.params, 'path');
    const body = parseOr400(statusBody, req.body ?? {}, 'body');
    const scope = scopeOfRequest(req);
    await setStatus(db.knex, id, body.status, body.note ?? null, scope);
    res.json(await eventDetail(db.knex, id, seesDetails(req), scope));
  });
  return router;
}

import type { Knex } from 'knex';
import type { Scope } from '../auth/scope';
import { AppError } from '../http/errors';
import { currentContext } from '../http/request-context';
import type { ImportCrs } from '../import/import.schema';
import { readEventRow } from './event-row';
import { eventInScope } from './event-scope';
import { insertEvents, type AssignedEvent } from './events.repo';
import { rollUp } from './rollups';
import { ingestTransaction, MAX_EVENTS_ADDED } from '../risk/window-cache';
import type { GridIndex } from './grid-index';
import type { EventFormat, NumberedRecord } from './record-streams';

export const INGEST_MODES = ['all', 'keep_good'] as const;
export type IngestMode = (typeof INGEST_MODES)[number];

/** Events written per statement. */
const CHUNK = 5000;
/** Rejected rows listed in an answer (all of them go in the rejects file). */
const LISTED_REJECTS = 100;

export interface Reject { row: number; reason: string; raw: string }

/**
 * The area a sender may write events in, and what to call the sender in a reject ("outside the
 * area 320113000000 of this token").
 */
export interface IngestArea { scope: Scope; holder: 'token' | 'user' }

/** The reason of an event rejected for lying outside the sender's area. */
export const outsideAreaReason = (area: IngestArea) => `outside the area ${area.scope.areaCode} of this ${area.holder}`;

export interface IngestResult {
  batchId: number | null;
  rows: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  outside: number;
  rejects: Reject[];
}

/**
 * One batch of events: each record read, checked and assigned to its grids and H3 cell in
 * process, then written in chunks inside one transaction, then rolled up at once. Mode `all` writes
 * nothing when any row is bad (a 400 listing them); `keep_good` writes the good rows and keeps
 * every reject (row number, reason, the record) as a CSV file on the batch. Re-sending a batch
 * writes no duplicates: events are unique per (source, external_id). More than `maxRows` records
 * (EVENT_BATCH_MAX_ROWS) stop the reading with a 413 in either mode, and nothing is written.
 * With `area` (a sender scoped to an area), events assigned outside it are rejected rows like any
 * bad row; in mode `all` a batch whose only faults are such rows is a 403 out_of_scope listing them.
 * The batch records who sent it (the actor of the request context) and the sender's area (that
 * of `area`; null for an unbounded sender): it and its rejects are read by the sender and by
 * admins whose scope holds that area.
 */
export async function ingestEvents(
  knex: Knex,
  index: GridIndex,
  records: AsyncIterable<NumberedRecord>,
  opts: { format: EventFormat; crs: ImportCrs; mode: IngestMode; source: string; maxRows?: number; area?: IngestArea; onProgress?: (rows: number) => void },
): Promise<IngestResult> {
  const result: IngestResult = { batchId: null, rows: 0, accepted: 0, duplicates: 0, rejected: 0, outside: 0, rejects: [] };
  const allRejects: Reject[] = [];
  const maxRows = opts.maxRows ?? Infinity;
  // the events written, for the cached heatmap windows to add (none past MAX_EVENTS_ADDED: they are read again)
  let written: AssignedEvent[] | null = [];
  await ingestTransaction(knex, async (trx, announce) => {
    // a batch's statements grow with it (the roll-up of a million events takes a minute): the
    // batch is bounded by EVENT_BATCH_MAX_ROWS, not by the interactive STATEMENT_TIMEOUT_MS
    await trx.raw('set local statement_timeout = 0');
    const area = opts.area?.scope.prefix ? opts.area : null;
    const { rows: [batch] } = await trx.raw(
      `insert into event_batches (source, format, crs, mode, rows, accepted, duplicates, rejected, created_by, area_code) values (?, ?, ?, ?, 0, 0, 0, 0, ?, ?) returning id`,
      [opts.source, opts.format, opts.crs, opts.mode, currentContext().actor, area?.scope.areaCode ?? null]);
    let outsideArea = 0;
    let chunk: AssignedEvent[] = [];
    // one chunk is written while the next is read and assigned: the database and node work side by side
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      await writing;
      const events = chunk;
      chunk = [];
      if (opts.mode === 'all' && allRejects.length) return; // doomed: stop writing, keep reading to list every bad row
      const rowsRead = result.rows;
      writing = insertEvents(trx, batch.id, events).then(({ inserted }) => {
        result.accepted += inserted.length;
        result.duplicates += events.length - inserted.length;
        result.outside += inserted.filter((r) => events[r.index].outside).length;
        written = written && written.length + inserted.length <= MAX_EVENTS_ADDED ? [...written, ...inserted.map((r) => events[r.index])] : null;
        opts.onProgress?.(rowsRead);
      });
      // a failed write surfaces at the next flush; until then it must not be an unhandled rejection
      writing.catch(() => undefined);
    };
    for await (const item of readable(records, opts.format, () => result.rows)) {
      if (result.rows === maxRows) {
        throw new AppError(413, 'too_many_rows', `the batch has more than ${maxRows.toLocaleString('en')} rows (EVENT_BATCH_MAX_ROWS); send it in smaller batches; nothing was written`, { maxRows });
      }
      result.rows++;
      const read = 'record' in item ? readEventRow(item.record, opts.crs, opts.source) : { reason: item.reason };
      if ('reason' in read) {
        allRejects.push({ row: item.row, reason: read.reason, raw: 'raw' in item ? item.raw : JSON.stringify(item.record) });
        continue;
      }
      const event = { ...read.row, ...index.assign(read.row.lng, read.row.lat) };
      if (area && !eventInScope(area.scope, event)) {
        outsideArea++;
        allRejects.push({ row: item.row, reason: outsideAreaReason(area), raw: 'raw' in item ? item.raw : JSON.stringify(item.record) });
        continue;
      }
      chunk.push(event);
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    await writing;
    const version = result.accepted ? await rollUp(trx, { batchId: batch.id }) : 0;
    result.rejected = allRejects.length;
    result.rejects = allRejects.slice(0, LISTED_REJECTS);
    if (opts.mode === 'all' && allRejects.length && outsideArea === allRejects.length) {
      throw new AppError(403, 'out_of_scope', `${outsideArea} of ${result.rows} events lie outside the area ${area!.scope.areaCode} of this ${area!.holder} (first: row ${allRejects[0].row}); nothing was written`,
        { rejects: result.rejects, rejected: allRejects.length, area: area!.scope.areaCode });
    }
    if (opts.mode === 'all' && allRejects.length) {
      throw new AppError(400, 'invalid_events', `${allRejects.length} of ${result.rows} events are invalid (first: row ${allRejects[0].row}, ${allRejects[0].reason}); nothing was written`, { rejects: result.rejects, rejected: allRejects.length });
    }
    await trx.raw(`update event_batches set rows = ?, accepted = ?, duplicates = ?, rejected = ?, rejects_csv = ? where id = ?`,
      [result.rows, result.accepted, result.duplicates, result.rejected, allRejects.length ? rejectsCsv(allRejects) : null, batch.id]);
    result.batchId = batch.id;
    if (version) announce(version, written);
  });
  return result;
}

/** The records, a failure to read them (a broken CSV quote, say) becoming a 400. */
async function* readable(records: AsyncIterable<NumberedRecord>, format: EventFormat, rowsRead: () => number): AsyncGenerator<NumberedRecord> {
  try {
    yield* records;
  } catch (e) {
    if (e instanceof AppError) throw e; // a limit of the body, already worded for the client
    throw new AppError(400, 'unreadable_batch', `the ${format} body could not be read after row ${rowsRead()}: ${(e as Error).message}; nothing was written`);
  }
}

const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
/** A rejected line as sent (and a parser's message quoting it) may hold a NUL byte, which a text column cannot: it is kept as U+FFFD. */
const storable = (s: string) => s.replace(/\u0000/g, '\ufffd');

/** row,reason,record: what a sender needs to fix and re-send the rejected rows. */
function rejectsCsv(rejects: Reject[]): string {
  return '\ufeffrow,reason,record\r\n' + rejects.map((r) => [String(r.row), r.reason, r.raw].map((c) => csvCell(storable(c))).join(',')).join('\r\n') + '\r\n';
}

import { cellToLatLng, cellToParent, type CoordPair } from 'h3-js';
import type { Knex } from 'knex';
import type { Scope } from '../auth/scope';
import { dataVersion } from '../db/data-versions';
import type { AssignedEvent } from '../events/events.repo';
import { eventInScope } from '../events/event-scope';
import { decayGrowth } from '../events/rollups';
import { windowRiskSums, windowSums, type RiskWeights } from './heatmap.repo';
import { lngRange, type BboxOverlap } from './study-area';
import { cstMidnight, type DayWindow } from './time-window';

/**
 * What a heatmap sums: one resolution, window, type filter and scope, weighed by one risk model's
 * weights, or counted only (`weights` null: read from the rollups' all-types rows, one per cell).
 */
export interface WindowKey { res: number; window: DayWindow; types: string[] | null; scope: Scope; weights: RiskWeights | null }

/**
 * The per-cell sums of one window, as of one version of the events (server/db/data-versions.ts);
 * column-wise, entry i of each array belongs to cells[i].
 */
export interface WindowCells {
  version: number;
  cells: string[];
  counts: number[];
  /** Σ type weight × severity weight × decay growth: risk points once multiplied by the decay at the window's end (0 when counted only) */
  weightedGrowth: number[];
  lat: number[];
  lng: number[];
  /** cells[0 … byLngUpTo) are in order of longitude (as read); those after, added since, are not */
  byLngUpTo: number;
  indexOf: Map<string, number>;
  /** how many times events were added since the sums were read, for answers derived from them (hot spots) */
  changes: number;
  derived: Map<string, { changes: number; basis: object; value: unknown }>;
}

/** The events one committed ingest added; null: more than MAX_EVENTS_ADDED (the windows are read again). */
export type CommittedEvents = Pick<AssignedEvent, 'h3' | 'type' | 'severity' | 'occurredAt' | 'communityCode' | 'streetCode' | 'districtCode'>[] | null;
type KnownEvents = NonNullable<CommittedEvents>;

/** Events of one ingest added to cached windows in process; a larger ingest makes them be read again. */
export const MAX_EVENTS_ADDED = 500;
/** Versions whose events are remembered; a window older than that is read again. */
const KEPT_VERSIONS = 1_000;

/** A window being read, or read (then `held`). */
interface Slot { reading: Promise<WindowCells>; held?: WindowCells }

interface Cache {
  /** least recently used first */
  slots: Map<string, Slot>;
  /** cells of the read windows, over all */
  cellsHeld: number;
  /** the events of recent versions, where this server committed them and they were few enough to add */
  added: Map<number, KnownEvents>;
  /** versions this server's ingests are committing: settled true once committed, false if not */
  committing: Map<number, Promise<boolean>>;
}

/** One cache per database (tests open many in one process). */
const caches = new WeakMap<Knex, Cache>();
const cacheOf = (knex: Knex): Cache => {
  let c = caches.get(knex);
  if (!c) caches.set(knex, (c = { slots: new Map(), cellsHeld: 0, added: new Map(), committing: new Map() }));
  return c;
};

/**
 * Runs an ingest's transaction. Its last act is to `announce` the events it added and the
 * events' version its roll-up gave them; once the commit went through, cached windows can add
 * them rather than be read again. Until it is known here whether the commit went through (the
 * commit lands in the database a moment before), a request that sees the version waits for it.
 */
export async function ingestTransaction<T>(knex: Knex, body: (trx: Knex.Transaction, announce: (version: number, events: CommittedEvents) => void) => Promise<T>): Promise<T> {
  const cache = cacheOf(knex);
  let settle: ((committed: boolean) => void) | undefined;
  const announce = (version: number, events: CommittedEvents) => {
    const settled = new Promise<boolean>((resolve) => {
      settle = (committed) => {
        if (cache.committing.get(version) === settled) cache.committing.delete(version);
        if (committed && events) {
          cache.added.set(version, events);
          while (cache.added.size > KEPT_VERSIONS) cache.added.delete(cache.added.keys().next().value!);
        }
        resolve(committed);
      };
    });
    cache.committing.set(version, settled);
  };
  try {
    const done = await knex.transaction((trx) => body(trx, announce));
    settle?.(true);
    return done;
  } catch (e) {
    settle?.(false);
    throw e;
  }
}

/**
 * The sums of a window as of the events' current version: from memory when cached at that
 * version, or cached at an older one and the events committed since are known here (single
 * events from this server's ingest); else read from the database (rollups, or a scope's events)
 * in one snapshot with the version they hold, and kept. Requests for a window being read wait
 * for it, but for those with a `cover`: the cells of a small bbox (null when it is not small),
 * which read just those cells meanwhile (a res-10 window of a city's events takes a while).
 * At most `maxCells` cells are held over all windows; the least recently used go first (0: every
 * window is read, and nothing kept).
 */
export async function cachedWindow(knex: Knex, key: WindowKey, maxCells: number, cover?: () => Promise<string[] | null>): Promise<WindowCells> {
  if (maxCells === 0) return readWindow(knex, key, (await cover?.()) ?? null);
  const cache = cacheOf(knex);
  const id = JSON.stringify([key.res, key.window.from, key.window.to, key.types, key.scope.prefix, key.weights]);
  const current = await dataVersion(knex, 'events');
  let slot = cache.slots.get(id);
  while (slot && (slot.held || !cover)) {
    const w = await slot.reading.catch(() => null); // a failed read has left the cache: read again
    if (!w || cache.slots.get(id) !== slot) {
      slot = cache.slots.get(id);
      continue;
    }
    const unknown = unknownVersions(cache, w.version, current);
    const committing = unknown.map((v) => cache.committing.get(v)).filter((c) => c !== undefined);
    if (committing.length) {
      await Promise.all(committing);
      continue;
    }
    if (unknown.length) {
      drop(cache, id, slot);
      slot = undefined;
      break;
    }
    if (w.version < current) cache.cellsHeld += catchUp(w, key, cache.added, current);
    cache.slots.delete(id);
    cache.slots.set(id, slot);
    evict(cache, maxCells, id);
    return w;
  }
  const reading = (slot ?? startReading(cache, knex, key, id, maxCells)).reading;
  if (!cover) return reading;
  const cells = await cover();
  // not a small bbox: wait for the whole window like any other request
  return cells ? readWindow(knex, key, cells) : cachedWindow(knex, key, maxCells);
}

/** Versions after `from` up to `to` whose events are not known here. */
function unknownVersions(cache: Cache, from: number, to: number): number[] {
  const unknown: number[] = [];
  for (let v = from + 1; v <= to; v++) if (!cache.added.has(v)) unknown.push(v);
  return unknown;
}

/** Reads a whole window into the cache; a failed read leaves it. */
function startReading(cache: Cache, knex: Knex, key: WindowKey, id: string, maxCells: number): Slot {
  const slot: Slot = { reading: readWindow(knex, key, null) };
  cache.slots.set(id, slot);
  slot.reading.then((w) => {
    if (cache.slots.get(id) !== slot) return;
    slot.held = w;
    cache.cellsHeld += w.cells.length;
    evict(cache, maxCells, id);
  }, () => { if (cache.slots.get(id) === slot) cache.slots.delete(id); });
  return slot;
}

function drop(cache: Cache, id: string, slot: Slot) {
  cache.slots.delete(id);
  cache.cellsHeld -= slot.held?.cells.length ?? 0;
}

/** An event's risk points before decay, as the rollups sum them: type weight × severity weight × decay growth. */
function weightedGrowth(e: Pick<AssignedEvent, 'type' | 'severity' | 'occurredAt'>, weights: RiskWeights): number {
  const typeWeight = Object.hasOwn(weights.byType, e.type) ? weights.byType[e.type] : weights.defaultType;
  return typeWeight * weights.bySeverity[e.severity] * decayGrowth(e.occurredAt.getTime());
}

/** Drops read windows, least recently used first, but `keep`, until at most `maxCells` cells are held. */
function evict(cache: Cache, maxCells: number, keep: string) {
  for (const [id, slot] of cache.slots) {
    if (cache.cellsHeld <= maxCells) return;
    if (id !== keep && slot.held) drop(cache, id, slot);
  }
}

/** A window's sums (of `cells` only, when given) and the events' version they hold, read in one snapshot. */
async function readWindow(knex: Knex, key: WindowKey, cells: string[] | null): Promise<WindowCells> {
  return knex.transaction(async (trx) => {
    const version = await dataVersion(trx, 'events');
    const sums = key.weights
      ? await windowRiskSums(trx, key.res, key.window, key.types, key.weights, key.scope, cells)
      : (await windowSums(trx, key.res, key.window, key.types ? { each: key.types } : { all: true }, cells, key.scope, { countsOnly: true }))
        .map((c) => ({ cell: c.cell, count: c.n.reduce((a, b) => a + b, 0), weightedGrowth: 0 }));
    const w: WindowCells = { version, cells: [], counts: [], weightedGrowth: [], lat: [], lng: [], byLngUpTo: 0, indexOf: new Map(), changes: 0, derived: new Map() };
    const located = sums.map((s) => ({ ...s, centre: cellToLatLng(s.cell) })).sort((a, b) => a.centre[1] - b.centre[1]);
    for (const s of located) addCell(w, s.cell, s.count, s.weightedGrowth, s.centre);
    w.byLngUpTo = w.cells.length;
    return w;
  }, { isolationLevel: 'repeatable read', readOnly: true });
}

function addCell(w: WindowCells, cell: string, count: number, weightedGrowth: number, centre?: CoordPair) {
  const i = w.indexOf.get(cell);
  if (i !== undefined) {
    w.counts[i] += count;
    w.weightedGrowth[i] += weightedGrowth;
    return;
  }
  const [lat, lng] = centre ?? cellToLatLng(cell);
  w.indexOf.set(cell, w.cells.length);
  w.cells.push(cell);
  w.counts.push(count);
  w.weightedGrowth.push(weightedGrowth);
  w.lat.push(lat);
  w.lng.push(lng);
}

/** Adds the events of the versions after the window's up to `to` (all known here); returns how many cells that added. */
function catchUp(w: WindowCells, key: WindowKey, added: Map<number, KnownEvents>, to: number): number {
  const [fromMs, toMs] = [Date.parse(cstMidnight(key.window.from)), Date.parse(cstMidnight(key.window.to))];
  const types = key.types && new Set(key.types);
  const before = w.cells.length;
  for (let v = w.version + 1; v <= to; v++) {
    for (const e of added.get(v)!) {
      const t = e.occurredAt.getTime();
      if (t < fromMs || t >= toMs || !e.h3 || (types && !types.has(e.type)) || !eventInScope(key.scope, e)) continue;
      addCell(w, cellToParent(e.h3, key.res), 1, key.weights ? weightedGrowth(e, key.weights) : 0);
      w.changes++;
    }
  }
  w.version = to;
  return w.cells.length - before;
}

/** Indices of the window's cells that overlap a bbox: of those read, only those within its longitudes are tested. */
export function cellsOverlapping(w: WindowCells, overlap: BboxOverlap): number[] {
  const [start, end] = lngRange(w.lng, w.byLngUpTo, overlap.lngFrom, overlap.lngTo);
  const found: number[] = [];
  for (let i = start; i < end; i++) if (overlap(w.cells[i], w.lat[i], w.lng[i])) found.push(i);
  for (let i = w.byLngUpTo; i < w.cells.length; i++) if (overlap(w.cells[i], w.lat[i], w.lng[i])) found.push(i);
  return found;
}

/**
 * A value derived from a window's sums and `basis` (hot spots: the study area's cells), computed
 * again only after events were added or for another basis.
 */
export function derived<T>(w: WindowCells, name: string, basis: object, compute: () => T): T {
  const held = w.derived.get(name);
  if (held && held.changes === w.changes && held.basis === basis) return held.value as T;
  const value = compute();
  w.derived.set(name, { changes: w.changes, basis, value });
  return value;
}

import { checkCoordinates } from '../import/check-coordinates';
import { unstorableTextAt, unstorableTextReason } from '../import/check-text';
import type { ImportCrs } from '../import/import.schema';
import { reprojectToWgs84 } from '../import/reproject';
import { EVENT_STATUSES } from '../db/migrations/005_events';

export type EventStatus = (typeof EVENT_STATUSES)[number];

/** One valid event, in WGS84, ready to assign and store. */
export interface EventRow {
  externalId: string | null;
  source: string;
  type: string;
  severity: number;
  occurredAt: Date;
  reportedAt: Date | null;
  status: EventStatus;
  lng: number;
  lat: number;
  attributes: Record<string, unknown>;
  sensitive: Record<string, unknown>;
}

/**
 * Attribute names that identify people (name, phone, ID number, address of a person…): kept in
 * `sensitive`, shown only where event details are allowed. Compared without case.
 */
export const SENSITIVE_FIELDS = ['name', 'person', 'reporter', 'contact', 'phone', 'mobile', 'tel', 'id_card', 'idcard', 'id_number',
  '姓名', '当事人', '报告人', '联系人', '电话', '联系电话', '手机', '身份证', '身份证号'];
const SENSITIVE = new Set(SENSITIVE_FIELDS.map((f) => f.toLowerCase()));

const ALIASES: Record<string, string[]> = {
  externalId: ['external_id', 'externalid', 'id', 'event_id'],
  type: ['type', 'event_type', '类型'],
  severity: ['severity', 'level', '等级'],
  occurredAt: ['occurred_at', 'occurredat', 'time', 'occurred', '发生时间'],
  reportedAt: ['reported_at', 'reportedat', '上报时间'],
  status: ['status', '状态'],
  source: ['source', '来源'],
  lng: ['lng', 'lon', 'long', 'longitude', 'x', '经度'],
  lat: ['lat', 'latitude', 'y', '纬度'],
};
const FIELD_OF = new Map(Object.entries(ALIASES).flatMap(([field, names]) => names.map((n) => [n, field])));

const TYPE = /^[a-z][a-z0-9_]{0,39}$/;
/** `2026-05-01 08:30`, `2026-05-01T08:30:00`, with or without seconds; no offset = China Standard Time. */
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/;

/**
 * Times an event may carry, China Standard Time: 1950-01-01 up to 2100-01-01. The rollups store
 * each event's decay growth 2^(days since 2020 / half-life), which at a 30-day half-life leaves
 * float8 about 84 years either side of 2020; and PostgreSQL reads no year before 1 AD as written.
 */
export const EVENT_TIME_RANGE = { from: new Date('1950-01-01T00:00:00+08:00'), to: new Date('2100-01-01T00:00:00+08:00') };

function parseTime(v: unknown): Date | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = String(v).trim();
  const local = LOCAL_TIME.exec(s);
  const d = new Date(local ? `${local[1]}T${local[2]}+08:00` : /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00+08:00` : s);
  return Number.isNaN(d.getTime()) ? null : d;
}

const inTimeRange = (d: Date) => d >= EVENT_TIME_RANGE.from && d < EVENT_TIME_RANGE.to;
const outOfRange = (field: string, v: unknown) => `'${field}' must be from 1950-01-01 up to 2100-01-01, got ${JSON.stringify(v)}`;

const numberOf = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);

/**
 * Reads one event from a flat record (an NDJSON object, a CSV row, a GeoJSON feature's
 * properties plus its Point): known fields by name or alias (case-insensitive), sensitive ones
 * apart, the rest as attributes. Positions in `crs` are converted to WGS84. A bad row gives the
 * reason, naming the field and the value.
 */
export function readEventRow(record: Record<string, unknown>, crs: ImportCrs, batchSource: string): { row: EventRow } | { reason: string } {
  const unstorable = unstorableTextAt(record, '');
  if (unstorable !== undefined) return { reason: unstorableTextReason(unstorable) };
  const known: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  const sensitive: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) {
    if (value === null || value === undefined || value === '') continue;
    const lower = name.toLowerCase();
    const field = FIELD_OF.get(lower);
    if (field) known[field] ??= value;
    else if (lower === 'attributes' && typeof value === 'object') Object.assign(attributes, value);
    else if (lower === 'sensitive' && typeof value === 'object') Object.assign(sensitive, value);
    else if (SENSITIVE.has(lower)) sensitive[name] = value;
    else attributes[name] = value;
  }
  const type = typeof known.type === 'string' ? known.type.trim() : '';
  if (!TYPE.test(type)) return { reason: known.type === undefined ? "missing 'type'" : `'type' must be lower-case letters, digits and _, got ${JSON.stringify(known.type)}` };
  const severity = known.severity === undefined ? 1 : numberOf(known.severity);
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) return { reason: `'severity' must be a whole number 1–5, got ${JSON.stringify(known.severity)}` };
  const occurredAt = parseTime(known.occurredAt);
  if (!occurredAt) return { reason: known.occurredAt === undefined ? "missing 'occurred_at'" : `'occurred_at' is not a date and time, got ${JSON.stringify(known.occurredAt)}` };
  if (!inTimeRange(occurredAt)) return { reason: outOfRange('occurred_at', known.occurredAt) };
  const reportedAt = known.reportedAt === undefined ? null : parseTime(known.reportedAt);
  if (known.reportedAt !== undefined && !reportedAt) return { reason: `'reported_at' is not a date and time, got ${JSON.stringify(known.reportedAt)}` };
  if (reportedAt && !inTimeRange(reportedAt)) return { reason: outOfRange('reported_at', known.reportedAt) };
  const status = known.status === undefined ? 'received' : String(known.status).trim();
  if (!(EVENT_STATUSES as readonly string[]).includes(status)) return { reason: `'status' must be one of ${EVENT_STATUSES.join(', ')}, got ${JSON.stringify(known.status)}` };
  const [x, y] = [numberOf(known.lng), numberOf(known.lat)];
  if (!Number.isFinite(x) || !Number.isFinite(y)) return { reason: `needs numeric 'lng' and 'lat', got ${JSON.stringify(known.lng ?? null)}, ${JSON.stringify(known.lat ?? null)}` };
  const problem = checkCoordinates({ type: 'Point', coordinates: [x, y] });
  if (problem) return { reason: `${problem.reason}: ${problem.detail}` };
  const [lng, lat] = reprojectToWgs84({ type: 'Point', coordinates: [x, y] }, crs).coordinates;
  return {
    row: {
      externalId: known.externalId === undefined ? null : String(known.externalId).trim(),
      source: known.source === undefined ? batchSource : String(known.source).trim(),
      type, severity, occurredAt, reportedAt, status: status as EventStatus, lng, lat, attributes, sensitive,
    },
  };
}

/**
 * Migration 014 gives the batches sent before it their sender's area (server/events/events.routes.ts
 * lets an admin read a batch only when its scope holds that area): found by `created_by`, a
 * token by its id, a user by its name; a sender not found, an unbounded one or the seed leave it null.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as m014 from '../../server/db/migrations/014_event_batch_areas';
import type { Db } from '../../server/db/knex';
import { createTestDb } from '../helpers/db';

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.close();
});

it('when migration 014 runs over batches sent before it, then each gets its sender\'s area, null where the sender is unbounded or not found', async () => {
  const k = db.knex;
  await m014.down(k);
  await k.raw(`insert into users (username, role, area_code, password_hash) values ('wang', 'police', '320113002000', 'x'), ('li', 'admin', null, 'x')`);
  const { rows: [t1] } = await k.raw(`insert into api_tokens (name, token_hash, role, area_code) values ('hotline', '\\x01'::bytea, 'police', '320113001000') returning id`);
  const { rows: [t2] } = await k.raw(`insert into api_tokens (name, token_hash, role, area_code) values ('all', '\\x02'::bytea, 'police', null) returning id`);
  const senders = [`token:${t1.id}:hotline`, `token:${t2.id}:all`, 'user:wang', 'user:li', 'user:gone', `token:${t1.id + t2.id + 5}:gone`, 'system:seed', null];
  for (const who of senders) {
    await k.raw(`insert into event_batches (source, format, crs, mode, rows, accepted, duplicates, rejected, created_by) values ('t', 'ndjson', 'wgs84', 'all', 0, 0, 0, 0, ?)`, [who]);
  }
  await m014.up(k);
  const { rows } = await k.raw('select created_by, area_code::text as area from event_batches order by id');
  expect(rows.map((r: { area: string | null }) => r.area)).toEqual(['320113001000', null, '320113002000', null, null, null, null, null]);
});

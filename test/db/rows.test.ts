import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/http/errors';
import { allRows } from '../../server/db/rows';

/** A stand-in for knex whose raw() answers `rows`, as PGlite does when PostGIS swallowed a GEOS error. */
const answering = (rows: unknown[]) => ({ raw: async () => ({ rows }) }) as unknown as Knex;

describe('allRows', () => {
  it('when the database answers no row at all, then it is a 500 naming what was being done, not an empty list', async () => {
    const err = await allRows(answering([]), 'select 1', [], 'looking for gaps in plan 7').catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 500, code: 'geometry_engine_failed' });
    expect(err.message).toContain('looking for gaps in plan 7');
  });

  it('when the aggregate row comes back as JSON text or as parsed JSON, then the rows are the same', async () => {
    const rows = [{ code: 'a', area_m2: 1.5, ok: true, parent: null }];
    expect(await allRows(answering([{ all_rows: JSON.stringify(rows) }]), 'x', [], 'y')).toEqual(rows);
    expect(await allRows(answering([{ all_rows: rows }]), 'x', [], 'y')).toEqual(rows);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../server/db/knex';
import { migrationSource } from '../../server/db/migrations/index';

const dir = mkdtempSync(path.join(tmpdir(), 'gridatlas-pglite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedded database', () => {
  it('when it is closed and opened again from its data directory, then the data is still there and migrations do not rerun', async () => {
    const first = await openDb({ dataDir: dir });
    await first.knex.raw(
      `insert into admin_areas (code, name, level, geom)
       values ('320113000000', '栖霞区', 'district', ST_Multi(ST_MakeEnvelope(118.9, 32.1, 119.0, 32.2, 4326)))`,
    );
    await first.close();

    const second = await openDb({ dataDir: dir });
    const { rows } = await second.knex.raw(`select name, round(ST_Area(geom::geography) / 1e6) as km2 from admin_areas`);
    const { rows: runs } = await second.knex.raw(`select count(*)::int as n from knex_migrations`);
    await second.close();
    expect(rows).toEqual([{ name: '栖霞区', km2: expect.anything() }]);
    expect(Number(rows[0].km2)).toBeGreaterThan(100); // 0.1° × 0.1° near 32°N ≈ 104 km²
    expect(runs[0].n).toBe((await migrationSource.getMigrations([])).length); // each migration recorded once
  });
});

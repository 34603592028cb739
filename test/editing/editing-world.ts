import { afterAll, beforeAll } from 'vitest';
import type { Db } from '../../server/db/knex';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';
import { client } from './http-client';
import { insertEditingWorld, type Frame } from './plan-fixture';

/**
 * For one test file: a fresh database holding the editing world (district, communities, the
 * lattice's address points), the app on port 0 and a JSON client, all closed after the file.
 * The fields are set once `beforeAll` has run.
 */
export function editingWorld() {
  const world = {} as { db: Db; http: Awaited<ReturnType<typeof serveApp>>; api: ReturnType<typeof client>; o: Frame };
  beforeAll(async () => {
    world.db = await createTestDb();
    world.o = await insertEditingWorld(world.db.knex);
    world.http = await serveApp(world.db);
    world.api = client(world.http);
  });
  afterAll(async () => {
    await world.http?.close();
    await world.db?.close();
  });
  return world;
}

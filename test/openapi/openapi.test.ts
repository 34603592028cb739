import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/knex';
import { registeredRoutes } from '../../server/http/api-router';
import { createTestDb } from '../helpers/db';
import { serveApp } from '../helpers/http';

let db: Db;
let http: Awaited<ReturnType<typeof serveApp>>;

beforeAll(async () => {
  db = await createTestDb();
  http = await serveApp(db);
});
afterAll(async () => {
  await http?.close();
  await db?.close();
});

describe('OpenAPI document', () => {
  it('when fetched, then it is OpenAPI 3 and lists every route the app serves, with its parameters', async () => {
    const doc = await (await fetch(http.url('/api/openapi.json'))).json();
    expect(doc.openapi).toMatch(/^3\.0/);
    const routes = registeredRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(8);
    for (const r of routes) {
      const op = doc.paths[r.fullPath.replace(/:(\w+)/g, '{$1}')]?.[r.method];
      expect(op, `${r.method} ${r.fullPath}`).toBeDefined();
      for (const [, name] of r.fullPath.matchAll(/:(\w+)/g)) {
        expect(op.parameters.some((p: any) => p.in === 'path' && p.name === name)).toBe(true);
      }
    }
    const areas = doc.paths['/api/areas'].get;
    expect(areas.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['level', 'parent', 'bbox', 'limit', 'offset']));
    expect(doc.paths['/tiles/{source}/{z}/{x}/{y}.mvt'].get).toBeDefined();
  });

  it('when every documented GET without path parameters is called bare, then it answers, or says which required parameter is missing', async () => {
    const doc = await (await fetch(http.url('/api/openapi.json'))).json();
    const plain = Object.entries(doc.paths).filter(([p, ops]: [string, any]) => !p.includes('{') && ops.get);
    expect(plain.length).toBeGreaterThanOrEqual(5);
    for (const [p, ops] of plain as [string, any][]) {
      const res = await fetch(http.url(p));
      const required = (ops.get.parameters ?? []).filter((q: any) => q.in === 'query' && q.required).map((q: any) => q.name);
      if (!required.length) {
        expect(res.status, p).toBeLessThan(400);
        continue;
      }
      expect(res.status, p).toBe(400);
      expect((await res.json()).error.message, p).toContain(required[0]);
    }
  });
});

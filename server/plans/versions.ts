import { AppError, badRequest } from '../http/errors';

/**
 * Optimistic locking of plans and grids: their versions (migration 007) as strong ETags, the
 * If-Match header read into them, and the check a write runs once it holds its row locks.
 */

/** What If-Match takes on a write of the whole plan (publish, undo, redo), for the API description. */
export const IF_MATCH_WHOLE_PLAN = "the plan's ETag (GET /api/plans/:id); a stale one is a 409 stale_version with the current ETag";

/** `"plan-3-v7"`: plan 3 at version 7. */
export const planEtag = (planId: number, version: number) => `"plan-${planId}-v${version}"`;

/** `"grid-3-320113002001001-v7"`: grid 320113002001001 of plan 3 at version 7. */
export const gridEtag = (planId: number, code: string, version: number) => `"grid-${planId}-${code}-v${version}"`;

export interface PlanVersion { id: number; version: number; etag: string }
export interface GridVersion { code: string; version: number; etag: string }

export const planVersion = (id: number, version: number): PlanVersion => ({ id, version, etag: planEtag(id, version) });
export const gridVersion = (planId: number, code: string, version: number): GridVersion => ({ code, version, etag: gridEtag(planId, code, version) });

/** One ETag of If-Match, as sent (`tag`) and read. */
export type VersionTag =
  | { kind: 'plan'; version: number; tag: string }
  | { kind: 'grid'; code: string; version: number; tag: string };

/** A parsed If-Match: `*` (any current version) or a list of this plan's ETags. */
export type IfMatch = '*' | VersionTag[];

const ENTITY_TAG = /\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(,|$)/y;
const PLAN_TAG = /^plan-(\d+)-v(\d+)$/;
const GRID_TAG = /^grid-(\d+)-(\d+)-v(\d+)$/;
const TAG_FORMS = 'plan ETags read "plan-<planId>-v<version>", grid ETags "grid-<planId>-<code>-v<version>", as GET answers them';

const invalid = (message: string, header: string) => badRequest('invalid_if_match', message, { ifMatch: header });

/**
 * Reads an If-Match header for a request on plan `planId`: undefined when there is none,
 * `*`, or its ETags; a 400 `invalid_if_match` when it is not a list of quoted ETags, holds a
 * weak one (If-Match compares strong ETags), or an ETag that is not of this plan or its grids.
 *
 * @example parseIfMatch('"plan-3-v7", "grid-3-320113002001001-v6"', 3)
 *   // → [{ kind: 'plan', version: 7, … }, { kind: 'grid', code: '320113002001001', version: 6, … }]
 */
export function parseIfMatch(header: string | undefined, planId: number): IfMatch | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  const tags: VersionTag[] = [];
  ENTITY_TAG.lastIndex = 0;
  while (ENTITY_TAG.lastIndex < header.length) {
    const at = ENTITY_TAG.lastIndex;
    const m = ENTITY_TAG.exec(header);
    if (!m) throw invalid(`If-Match must be * or a comma-separated list of quoted ETags; "${header.slice(at, at + 40)}" is neither`, header);
    const [, weak, opaque] = m;
    const tag = `"${opaque}"`;
    if (weak) throw invalid(`If-Match compares strong ETags and W/${tag} is weak; send the ETag as GET answered it`, header);
    const plan = PLAN_TAG.exec(opaque);
    const grid = GRID_TAG.exec(opaque);
    const ofPlan = Number((plan ?? grid)?.[1]);
    if (!plan && !grid) throw invalid(`${tag} is not an ETag of this API: ${TAG_FORMS}`, header);
    if (ofPlan !== planId) throw invalid(`${tag} is an ETag of plan ${ofPlan}, not of plan ${planId}`, header);
    tags.push(plan ? { kind: 'plan', version: Number(plan[2]), tag } : { kind: 'grid', code: grid![2], version: Number(grid![3]), tag });
    if (m[3] === '') break;
  }
  if (!tags.length) throw invalid('If-Match is empty; send * or the ETags to check', header);
  return tags;
}

/** The grid codes an If-Match names (their versions are read with the grids a write locks). */
export const gridsNamed = (ifMatch: IfMatch | undefined): string[] =>
  Array.isArray(ifMatch) ? ifMatch.flatMap((t) => (t.kind === 'grid' ? [t.code] : [])) : [];

/** What the database holds now, read under the write's row locks. */
export interface CurrentVersions {
  planId: number;
  plan: number;
  /** the versions of the grids the write touches and those If-Match names; a grid not here no longer exists */
  grids: Map<string, number>;
}

/**
 * Checks If-Match against the current versions: it holds when absent, `*`, or when every ETag
 * it lists is current and — for an edit (`touched`: the grids it changes) without the plan's
 * ETag — every grid the edit changes is listed. A write on the whole plan (publish, undo, redo:
 * `touched` undefined) takes the plan's ETag only (400 for a grid's). Otherwise a 409
 * `stale_version` whose details and ETag header carry the current versions; retried with them,
 * after a reload, the request can succeed.
 */
export function checkIfMatch(ifMatch: IfMatch | undefined, now: CurrentVersions, touched?: string[]): void {
  if (ifMatch === undefined || ifMatch === '*') return;
  const { planId } = now;
  if (!touched) {
    const grid = ifMatch.find((t) => t.kind === 'grid');
    if (grid) {
      throw badRequest('invalid_if_match', `this request changes plan ${planId} as a whole and takes its ETag (${planEtag(planId, now.plan)} now), not a grid's like ${grid.tag}`,
        { ifMatch: ifMatch.map((t) => t.tag) });
    }
  }
  const problems: string[] = [];
  for (const t of ifMatch) {
    if (t.kind === 'plan') {
      if (t.version !== now.plan) problems.push(`plan ${planId} is at version ${now.plan}, not ${t.version}`);
      continue;
    }
    const current = now.grids.get(t.code);
    if (current === undefined) problems.push(`grid ${t.code} is no longer in plan ${planId}`);
    else if (current !== t.version) problems.push(`grid ${t.code} is at version ${current}, not ${t.version}`);
  }
  if (touched && !ifMatch.some((t) => t.kind === 'plan')) {
    const named = new Set(gridsNamed(ifMatch));
    const unnamed = touched.filter((code) => now.grids.has(code) && !named.has(code));
    if (unnamed.length) problems.push(`the edit changes grid${unnamed.length > 1 ? 's' : ''} ${unnamed.join(', ')}, which If-Match does not name (did units move since you read them?)`);
  }
  if (!problems.length) return;
  const plan = planVersion(planId, now.plan);
  const grids = [...now.grids].sort(([a], [b]) => a.localeCompare(b)).map(([code, version]) => gridVersion(planId, code, version));
  throw new AppError(409, 'stale_version',
    `plan ${planId} changed since you read it: ${problems.join('; ')}; nothing was changed — reload and retry with the current ETags`,
    { plan, grids, sent: ifMatch.map((t) => t.tag) },
    { ETag: plan.etag });
}

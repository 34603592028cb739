/** The roles of the field: who plans, who polices, who responds, who commands, who only looks. */
export const ROLES = ['admin', 'planner', 'police', 'emergency', 'commander', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What a route may need; each API route declares one (or 'public'). */
export const PERMISSIONS = {
  'areas:read': 'administrative areas, grid layers, plans and grids: lists, tiles, OGC items and exports',
  'plans:edit': 'edit, undo, redo and publish plans; partition areas into grids',
  'data:import': 'import areas, grids, address points, barriers and hazard sources from files',
  'overlay:read': 'alignment of police / emergency / safety grids with the comprehensive grids',
  'overlay:edit': 'generate and accept overlay grid proposals',
  'hazards:read': 'hazard sources, their exposure, what-if footprints, response points and reach',
  'events:read': 'single events, their sensitive fields, batches and rejects; heatmaps without small-count suppression',
  'events:write': 'ingest events (single and bulk)',
  'events:status': 'move events along their workflow (received → … → evaluated)',
  'risk:read': 'heatmaps, hot spots and grid risk rankings (suppressed below SUPPRESS_BELOW without events:read)',
  'jobs:read': 'follow and cancel long-running jobs',
  'audit:read': 'the audit trail of changes in the caller\'s area',
  'users:manage': 'accounts and API tokens within the caller\'s area',
} as const;
export type Permission = keyof typeof PERMISSIONS;

const READ_ALL: Permission[] = ['areas:read', 'risk:read'];

/** The grant table. A token may be narrowed to a subset of its role's permissions. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: Object.keys(PERMISSIONS) as Permission[],
  planner: [...READ_ALL, 'plans:edit', 'data:import', 'overlay:read', 'hazards:read', 'jobs:read', 'audit:read'],
  police: [...READ_ALL, 'overlay:read', 'overlay:edit', 'hazards:read', 'events:read', 'events:write', 'events:status', 'jobs:read'],
  emergency: [...READ_ALL, 'overlay:read', 'overlay:edit', 'hazards:read', 'events:read', 'events:write', 'events:status', 'jobs:read'],
  commander: [...READ_ALL, 'overlay:read', 'hazards:read', 'events:read', 'events:status', 'audit:read'],
  viewer: READ_ALL,
};

export const isRole = (s: unknown): s is Role => typeof s === 'string' && (ROLES as readonly string[]).includes(s);
export const isPermission = (s: unknown): s is Permission => typeof s === 'string' && s in PERMISSIONS;

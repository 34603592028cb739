import type { Knex } from 'knex';
import * as m001 from './001_core_schema';
import * as m002 from './002_planning';
import * as m003 from './003_plan_edits';
import * as m004 from './004_response_points';
import * as m005 from './005_events';
import * as m006 from './006_event_rollup_storage';
import * as m007 from './007_edit_versions';
import * as m008 from './008_event_cells_statistics';
import * as m009 from './009_event_cells_by_cell';
import * as m010 from './010_access_control';
import * as m011 from './011_jobs';
import * as m012 from './012_job_owners';
import * as m013 from './013_events_by_area';
import * as m014 from './014_event_batch_areas';
import * as m015 from './015_data_versions';

/** Migrations are listed here, not globbed, so they run the same under tsx, Vitest and a bundle. */
const migrations: Record<string, Knex.Migration> = {
  '001_core_schema': m001,
  '002_planning': m002,
  '003_plan_edits': m003,
  '004_response_points': m004,
  '005_events': m005,
  '006_event_rollup_storage': m006,
  '007_edit_versions': m007,
  '008_event_cells_statistics': m008,
  '009_event_cells_by_cell': m009,
  '010_access_control': m010,
  '011_jobs': m011,
  '012_job_owners': m012,
  '013_events_by_area': m013,
  '014_event_batch_areas': m014,
  '015_data_versions': m015,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};

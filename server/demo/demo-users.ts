import type { Knex } from 'knex';
import { generatePassword } from '../auth/passwords';
import type { Role } from '../auth/roles';
import { createUser } from '../auth/users.repo';

/** One of each role, scoped as the field scopes them: the district's bureaus, a street's planner, a street's public view. */
const DEMO_USERS: { username: string; role: Role; areaCode: string | null; displayName: string }[] = [
  { username: 'admin', role: 'admin', areaCode: null, displayName: '系统管理员' },
  { username: 'planner-qixia', role: 'planner', areaCode: '320113000000', displayName: '栖霞区网格规划' },
  { username: 'planner-maigaoqiao', role: 'planner', areaCode: '320113003000', displayName: '迈皋桥街道网格规划' },
  { username: 'police-qixia', role: 'police', areaCode: '320113000000', displayName: '栖霞分局' },
  { username: 'emergency-qixia', role: 'emergency', areaCode: '320113000000', displayName: '栖霞区应急管理局' },
  { username: 'commander-qixia', role: 'commander', areaCode: '320113000000', displayName: '栖霞区社会治理指挥中心' },
  { username: 'viewer-yaohua', role: 'viewer', areaCode: '320113001000', displayName: '尧化街道公众' },
];

export interface DemoCredential { username: string; role: Role; areaCode: string | null; password: string }

/** Creates the demo users with fresh random passwords, answered once for the seeding to print. */
export async function createDemoUsers(knex: Knex): Promise<DemoCredential[]> {
  const out: DemoCredential[] = [];
  for (const u of DEMO_USERS) {
    const password = generatePassword();
    await createUser(knex, { ...u, password });
    out.push({ username: u.username, role: u.role, areaCode: u.areaCode, password });
  }
  return out;
}

/** The lines the seeding prints: each demo user, its role, area and password. */
export const describeDemoUsers = (users: DemoCredential[]) => [
  'demo users (passwords are random and shown only now; change them with `npm run user -- passwd <name>`):',
  ...users.map((u) => `  ${u.username.padEnd(20)} ${u.role.padEnd(10)} ${(u.areaCode ?? 'all areas').padEnd(13)} ${u.password}`),
];

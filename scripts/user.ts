/**
 * Accounts and API tokens from the command line: how the first admin is made, and how a
 * password or a token is replaced when the web client cannot be reached.
 *
 *   npm run user -- create <username> --role admin|planner|police|emergency|commander|viewer [--area CODE] [--name 显示名]
 *   npm run user -- passwd <username>
 *   npm run user -- disable <username> | enable <username>
 *   npm run user -- list
 *   npm run user -- token <name> --role ROLE [--area CODE] [--permissions events:write,…] [--days N]
 *   npm run user -- revoke-token <id>
 *
 * Passwords are generated and printed once, or read from GRIDATLAS_PASSWORD when it is set.
 * The database is DATABASE_URL, else the embedded one in $DATA_DIR/pglite.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generatePassword, MIN_PASSWORD_LENGTH } from '../server/auth/passwords';
import { isPermission, isRole, ROLES, type Permission } from '../server/auth/roles';
import { EVERYWHERE } from '../server/auth/scope';
import { createApiToken, listApiTokens, revokeApiToken } from '../server/auth/tokens.repo';
import { createUser, listUsers, updateUser } from '../server/auth/users.repo';
import { loadConfig } from '../server/config';
import { openDb } from '../server/db/knex';
import { AppError } from '../server/http/errors';
import { runAs } from '../server/http/request-context';

const USAGE = `usage: npm run user -- create <username> --role ${ROLES.join('|')} [--area CODE] [--name NAME]
       npm run user -- passwd <username> | disable <username> | enable <username> | list
       npm run user -- token <name> --role ROLE [--area CODE] [--permissions p1,p2] [--days N]
       npm run user -- revoke-token <id>`;

const { values: flags, positionals: [command, arg] } = parseArgs({
  allowPositionals: true,
  options: { role: { type: 'string' }, area: { type: 'string' }, name: { type: 'string' }, permissions: { type: 'string' }, days: { type: 'string' } },
});

function fail(message: string): never {
  console.error(`error: ${message}\n${USAGE}`);
  process.exit(2);
}

const area = () => {
  if (flags.area === undefined) return null;
  if (!/^[0-9]{12}$/.test(flags.area)) fail(`--area ${flags.area}: an area code is 12 digits`);
  return flags.area;
};
const role = () => (isRole(flags.role) ? flags.role : fail(`--role must be one of ${ROLES.join(', ')}`));
const password = () => {
  const given = process.env.GRIDATLAS_PASSWORD;
  if (given !== undefined && given.length < MIN_PASSWORD_LENGTH) fail(`GRIDATLAS_PASSWORD has fewer than ${MIN_PASSWORD_LENGTH} characters`);
  return { password: given ?? generatePassword(), generated: given === undefined };
};
const printPassword = (username: string, p: { password: string; generated: boolean }) =>
  console.log(p.generated ? `password of ${username} (shown once): ${p.password}` : `password of ${username} set from GRIDATLAS_PASSWORD`);

if (!command) fail('name a command');
const config = loadConfig();
const db = await openDb({ url: config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') });
const userId = async (username: string | undefined) => {
  const row = username && (await db.knex('users').where({ username }).first('id'));
  return row ? (row.id as number) : fail(`no user named '${username}'`);
};

try {
  await runAs('cli:user', async () => {
    switch (command) {
      case 'create': {
        if (!arg) fail('name the user');
        const p = password();
        const user = await createUser(db.knex, { username: arg, role: role(), areaCode: area(), displayName: flags.name ?? null, password: p.password });
        console.log(`created ${user.role} ${user.username} (${user.areaCode ?? 'all areas'})`);
        printPassword(user.username, p);
        break;
      }
      case 'passwd': {
        const p = password();
        await updateUser(db.knex, await userId(arg), EVERYWHERE, { password: p.password });
        printPassword(arg!, p);
        console.log('its sessions were ended');
        break;
      }
      case 'disable':
      case 'enable':
        await updateUser(db.knex, await userId(arg), EVERYWHERE, { disabled: command === 'disable' });
        console.log(`${arg} ${command}d`);
        break;
      case 'list':
        for (const u of await listUsers(db.knex, EVERYWHERE)) console.log(`${String(u.id).padStart(4)}  ${u.username.padEnd(20)} ${u.role.padEnd(10)} ${(u.areaCode ?? 'all areas').padEnd(13)} ${u.disabled ? 'disabled' : ''}`);
        for (const t of await listApiTokens(db.knex, EVERYWHERE)) console.log(`token ${String(t.id).padStart(4)}  ${t.name.padEnd(20)} ${t.role.padEnd(10)} ${(t.areaCode ?? 'all areas').padEnd(13)} ${t.revokedAt ? 'revoked' : ''}`);
        break;
      case 'token': {
        if (!arg) fail('name the token (the system that will use it)');
        const permissions = flags.permissions?.split(',').map((p) => (isPermission(p) ? p : fail(`unknown permission '${p}'`))) as Permission[] | undefined;
        const days = flags.days === undefined ? null : Number(flags.days);
        if (days !== null && !(Number.isInteger(days) && days > 0)) fail('--days is a positive whole number');
        const { token, secret } = await createApiToken(db.knex, { name: arg, role: role(), areaCode: area(), permissions, expiresAt: days ? new Date(Date.now() + days * 86_400_000) : null });
        console.log(`token ${token.id} '${token.name}' (${token.role}, ${token.areaCode ?? 'all areas'}${token.expiresAt ? `, until ${token.expiresAt}` : ''}); send it as "Authorization: Bearer <secret>"; secret (shown once):\n${secret}`);
        break;
      }
      case 'revoke-token': {
        const id = Number(arg);
        if (!Number.isInteger(id) || id < 1) fail('name the token id (see `list`)');
        await revokeApiToken(db.knex, id, EVERYWHERE);
        console.log(`token ${id} revoked`);
        break;
      }
      default:
        fail(`unknown command '${command}'`);
    }
  });
} catch (e) {
  if (!(e instanceof AppError)) throw e;
  console.error(`error: ${e.message}`);
  process.exitCode = 1;
} finally {
  await db.close();
}

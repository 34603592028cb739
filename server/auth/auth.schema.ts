import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from './passwords';
import { PERMISSIONS, ROLES } from './roles';

const areaCode = z.string().regex(/^[0-9]{12}$/, 'an area code is 12 digits').nullable();
const password = z.string().min(MIN_PASSWORD_LENGTH, `a password has at least ${MIN_PASSWORD_LENGTH} characters`).max(200);

export const loginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });

export const newUserBody = z.object({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'a username is 2–63 lower-case letters, digits, dots, dashes or underscores'),
  displayName: z.string().max(200).nullish(),
  role: z.enum(ROLES),
  areaCode,
  /** omitted: a password is generated and answered once */
  password: password.optional(),
});

export const userChangeBody = z.object({
  displayName: z.string().max(200).nullish(),
  role: z.enum(ROLES).optional(),
  areaCode: areaCode.optional(),
  disabled: z.boolean().optional(),
  password: password.optional(),
}).refine((c) => Object.keys(c).length > 0, 'name at least one of displayName, role, areaCode, disabled, password');

export const newTokenBody = z.object({
  name: z.string().min(1).max(100),
  role: z.enum(ROLES),
  areaCode,
  permissions: z.array(z.enum(Object.keys(PERMISSIONS) as [keyof typeof PERMISSIONS])).min(1).nullish(),
  expiresInDays: z.number().int().min(1).max(3650).nullish(),
});

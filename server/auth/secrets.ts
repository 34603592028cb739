import { createHash, randomBytes } from 'node:crypto';

/** A new bearer secret (session cookie or API token): 32 random bytes, base64url, with a prefix saying what it is. */
export const newSecret = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;

/** What the database keeps of a secret: its SHA-256 (a stolen table opens no session). */
export const secretDigest = (secret: string) => createHash('sha256').update(secret).digest();

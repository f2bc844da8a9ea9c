import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Config, loadConfigOrExit } from '../shared/config.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../shared/db/embedded.ts';

/**
 * The local defaults of `npm start` and `npm run migrate`: dev auth with a secret kept under
 * DATA_DIR (so printed tokens survive restarts), and an embedded PostgreSQL unless DATABASE_URL
 * names one. Writes them to process.env before any module reads the configuration.
 */
export async function prepareLocalEnv({ auth }: { auth: boolean }): Promise<{ config: Config; db?: EmbeddedDatabase }> {
  if (auth && !process.env.AUTH_MODE && process.env.NODE_ENV !== 'production') process.env.AUTH_MODE = 'dev';
  const boot = loadConfigOrExit();
  if (auth && boot.AUTH_MODE === 'dev' && !boot.JWT_SECRET && !boot.JWKS_URL) {
    process.env.JWT_SECRET = await devSecret(boot.DATA_DIR);
  }
  let db: EmbeddedDatabase | undefined;
  if (!boot.DATABASE_URL) {
    db = await startEmbeddedPostgres({ dir: boot.DATA_DIR, port: boot.EMBEDDED_PG_PORT });
    process.env.DATABASE_URL = db.url;
  }
  return { config: loadConfigOrExit(), ...(db ? { db } : {}) };
}

async function devSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'dev-jwt-secret');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

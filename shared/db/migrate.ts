import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';

export const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

const fileName = /^(\d{4})_[a-z0-9_]+\.sql$/;
// Any constant works; it only has to be the same in every process that migrates this database.
const lockKey = 0x7461736b; // "task"

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Applies every numbered migration not yet recorded in schema_migrations, each in its own
 * transaction: a failing file leaves nothing of itself behind. Safe to run from several processes
 * at once (an advisory lock serialises them) and a no-op when everything is applied.
 */
export async function migrate(sql: Sql, dir = migrationsDir): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => fileName.test(f)).sort();
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${lockKey})`;
    await tx`
      create table if not exists schema_migrations (
        version text primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`;
  });
  for (const name of files) {
    const version = fileName.exec(name)![1]!;
    const text = await readFile(`${dir}/${name}`, 'utf8');
    const checksum = createHash('sha256').update(text).digest('hex');
    await sql.begin(async (tx) => {
      // A migration may rewrite a large table: the pool's statement_timeout is for requests.
      await tx`set local statement_timeout = 0`;
      await tx`select pg_advisory_xact_lock(${lockKey})`;
      const [done] = await tx<{ checksum: string }[]>`
        select checksum
        from schema_migrations
        where version = ${version}`;
      if (done) {
        if (done.checksum !== checksum) {
          throw new MigrationError(`migration ${name} was changed after it was applied; add a new migration instead`);
        }
        return;
      }
      await tx.unsafe(text);
      await tx`
        insert into schema_migrations (version, name, checksum)
        values (${version}, ${name}, ${checksum})`;
      applied.push(name);
    });
  }
  return applied;
}

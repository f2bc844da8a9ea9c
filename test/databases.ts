import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { db } from '../shared/db/client.ts';
import { migrate } from '../shared/db/migrate.ts';

const admin = db();

/**
 * A database of its own on the test server, for tests that must not share rows with the rest
 * (migrations, the outbox relay). Drop it with the returned `drop`.
 */
export async function freshDatabase({ migrated = false } = {}): Promise<{ sql: postgres.Sql; url: string; drop: () => Promise<void> }> {
  const name = `t_${randomUUID().replaceAll('-', '')}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  const sql = postgres(url.toString(), { max: 4, onnotice: () => {} });
  if (migrated) await migrate(sql);
  return {
    sql,
    url: url.toString(),
    drop: async () => {
      await sql.end();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
    },
  };
}

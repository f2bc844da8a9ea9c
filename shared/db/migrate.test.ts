import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type postgres from 'postgres';
import { freshDatabase as fresh } from '../../test/databases.ts';
import { db } from './client.ts';
import { MigrationError, migrate } from './migrate.ts';

const admin = db();

// Each test migrates a database of its own, created on the test server.
const drops: (() => Promise<void>)[] = [];
async function freshDatabase() {
  const db = await fresh();
  drops.push(db.drop);
  return db.sql;
}

async function migrationsDir(files: Record<string, string>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-migrations-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

describe('migrate', () => {
  let db: postgres.Sql;
  before(async () => {
    db = await freshDatabase();
  });
  after(async () => {
    for (const drop of drops) await drop();
    await admin.end();
  });

  it("applies the project's migrations to an empty database, then is a no-op", async () => {
    const first = await migrate(db);
    assert.ok(first.includes('0001_tasks_and_tags.sql'));
    assert.deepEqual(await migrate(db), []);
    const [row] = await db`select count(*)::int as n from schema_migrations`;
    assert.equal(row!.n, first.length);
  });

  it('rolls a failing migration back whole and keeps the ones before it', async () => {
    const other = await freshDatabase();
    const dir = await migrationsDir({
      '0001_good.sql': 'create table good (id int);',
      '0002_bad.sql': 'create table half (id int);\ninsert into half values (1);\nselect no_such_function();',
    });
    await assert.rejects(migrate(other, dir), /no_such_function/);
    const tables = await other`select table_name from information_schema.tables where table_name in ('good', 'half')`;
    assert.deepEqual(tables.map((t) => t.table_name), ['good']);
    const versions = await other`select version from schema_migrations order by version`;
    assert.deepEqual(versions.map((v) => v.version), ['0001']);
  });

  it('refuses to go on when an applied migration was edited', async () => {
    const other = await freshDatabase();
    const dir = await migrationsDir({ '0001_a.sql': 'create table a (id int);' });
    await migrate(other, dir);
    await writeFile(path.join(dir, '0001_a.sql'), 'create table a (id bigint);');
    await assert.rejects(migrate(other, dir), MigrationError);
  });

  it('serialises concurrent runs: each migration is applied once', async () => {
    const other = await freshDatabase();
    const applied = (await Promise.all([migrate(other), migrate(other), migrate(other)])).flat();
    assert.ok(applied.includes('0001_tasks_and_tags.sql'));
    assert.equal(new Set(applied).size, applied.length);
    const [row] = await other`select count(*)::int as n from schema_migrations`;
    assert.equal(row!.n, applied.length);
  });
});

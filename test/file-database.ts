// Loaded (--import) into every test file's process: the file gets a database of its own, cloned
// from the migrated one npm test prepared, and the process's runtime over it, as an entry point
// builds one. Files run side by side, and a cron tick in one must not claim another's reminders or
// generate from its templates. Processes a file starts inherit the database's URL.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { loadConfig } from '../shared/config.ts';
import { useRuntime } from '../shared/runtime/current.ts';
import { createRuntime } from '../shared/runtime/runtime.ts';

const template = process.env.TASKFN_TEST_TEMPLATE_URL;
// NODE_TEST_CONTEXT marks a test file's process; the runner's own process keeps the template's URL.
if (template && process.env.NODE_TEST_CONTEXT) {
  const url = new URL(template);
  const source = url.pathname.slice(1);
  const name = `file_${randomUUID().replaceAll('-', '')}`;
  url.pathname = '/template1';
  const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${source}`);
  await admin.end();
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  delete process.env.TASKFN_TEST_TEMPLATE_URL;
}
if (process.env.NODE_TEST_CONTEXT) useRuntime(createRuntime(loadConfig(process.env)));

// npm test: starts a throw-away embedded PostgreSQL (unless DATABASE_URL is set), migrates it, and
// runs every *.test.ts with node's test runner. `npm test -- tags` runs the files whose path has "tags".
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { prepareTestDatabase, runTestFiles } from '../test/test-run.ts';

const roots = ['functions', 'shared', 'scripts', 'test', 'bench'];
const filters = process.argv.slice(2);
const step = (msg: string) => process.stdout.write(`[test] ${msg}\n`);

async function testFiles(): Promise<string[]> {
  const found: string[] = [];
  for (const root of roots) {
    const entries = await readdir(root, { recursive: true }).catch(() => []);
    for (const entry of entries) if (entry.endsWith('.test.ts')) found.push(path.join(root, entry));
  }
  return found.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
}

const files = await testFiles();
if (files.length === 0) {
  process.stderr.write(`no test file matches ${filters.join(' ')}\n`);
  process.exit(1);
}

process.env.AUTH_MODE = 'jwt';
const db = await prepareTestDatabase({ reuse: true, logLevel: 'silent', step });

step(`running ${files.length} test files`);
const code = await runTestFiles(files, { concurrency: 2 });
await db.stop();
process.exit(code);

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAll } from '../scripts/build.ts';

// The compile cache the image bakes (scripts/bundle/compile-cache.ts), written and read by the
// Node.js the image runs, installed as CI installs it.

const root = path.resolve(import.meta.dirname, '..');
let dir = '';
let node = '';

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'taskfn-compile-cache-'));
  const version = /^ARG NODE_IMAGE=node:([0-9.]+)/m.exec(await readFile(path.join(root, 'Dockerfile'), 'utf8'))![1]!;
  const bin = execFileSync('bash', [path.join(root, 'scripts/node/install.sh'), version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').at(-1)!;
  node = path.join(bin, 'node');
  await buildAll({ outdir: path.join(dir, 'out', 'dist') });
});

after(() => rm(dir, { recursive: true, force: true }));

describe('the compile cache baked into the image', () => {
  it('is written at build time and accepted for every module a function loads after the image moves it', async () => {
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bundle/compile-cache.ts', path.join(dir, 'out', 'dist'), path.join(dir, 'out', 'compile-cache'), `--node=${node}`], { cwd: root, stdio: 'ignore' });
    // As the Dockerfile copies /out to /app.
    await cp(path.join(dir, 'out'), path.join(dir, 'app'), { recursive: true });
    const app = path.join(dir, 'app');
    // Node traces the compile cache on stderr.
    const { stderr: trace } = spawnSync(node, ['--input-type=module', '-e', `await import(${JSON.stringify(path.join(app, 'dist', 'create-task', 'index.js'))}); process.exit(0);`], {
      env: {
        PATH: process.env.PATH,
        NODE_COMPILE_CACHE: path.join(app, 'compile-cache'),
        NODE_COMPILE_CACHE_PORTABLE: '1',
        NODE_DEBUG_NATIVE: 'COMPILE_CACHE',
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        JWT_SECRET: 'a-secret-long-enough-for-the-configuration-check',
        APP_API_TOKEN: 'token',
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const bundles = (re: RegExp) => [...trace.matchAll(re)].map((m) => m[1]!).filter((f) => f.includes(`${app}/dist/`));
    const accepted = bundles(/V8 code cache for ESM file:\/\/(\S+) was accepted/g);
    assert.ok(accepted.some((f) => f.endsWith('create-task/index.js')), 'the entry');
    assert.ok(accepted.some((f) => f.includes('/chunks/')), 'its chunks');
    assert.deepEqual(bundles(/V8 code cache for ESM file:\/\/(\S+) was rejected/g), [], 'none rejected');
    assert.deepEqual(bundles(/no cache for ESM file:\/\/(\S+)/g), [], 'none missing');
  });
});

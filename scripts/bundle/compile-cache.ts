// Writes the module compile cache (Node 22.1+, V8 code cache on disk) for every function bundle of
// DIST into DIR, by loading each bundle once with the Node.js binary that will run them (the cache
// only serves the same Node.js and V8). The image sets NODE_COMPILE_CACHE to DIR and
// NODE_COMPILE_CACHE_PORTABLE=1 (Node 24.12+), so a cold start reads compiled code instead of
// compiling 0.8-1 MB of JavaScript; portable because the image copies dist/ and DIR elsewhere.
// Node enables the cache from the environment before it loads the entry, so it covers the entry's
// static imports too: a module.enableCompileCache() call inside the bundle would run only after them.
// Usage: node --import tsx scripts/bundle/compile-cache.ts DIST DIR [--node=PATH]
import { execFileSync } from 'node:child_process';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { node: { type: 'string', default: process.execPath } } });
const [dist, dir] = positionals.map((p) => path.resolve(p));
if (!dist || !dir) throw new Error('usage: compile-cache.ts DIST DIR [--node=PATH]');
const node = values.node;

const version = execFileSync(node, ['-p', "typeof require('node:module').flushCompileCache === 'function' ? process.version : ''"], { encoding: 'utf8' }).trim();
if (!version) {
  process.stderr.write(`[compile-cache] ${node} has no module compile cache (Node.js 22.10+): none written\n`);
  process.exit(0);
}
await rm(dir, { recursive: true, force: true });
const functions = JSON.parse(await readFile(path.join(dist, 'functions.json'), 'utf8')) as { name: string }[];
// dist/lazy/*.cjs (scripts/bundle/lazy-packages.ts) are read on a function's first use of them, not
// at start: cached too, so that first use compiles nothing either.
const lazy = (await readdir(path.join(dist, 'lazy')).catch(() => [])).filter((f) => f.endsWith('.cjs')).map((f) => path.join(dist, 'lazy', f));
const env = {
  PATH: process.env.PATH,
  NODE_COMPILE_CACHE: dir,
  NODE_COMPILE_CACHE_PORTABLE: '1',
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  // Placeholders that satisfy the configuration's checks; nothing is contacted.
  DATABASE_URL: 'postgres://compile-cache@127.0.0.1:1/none',
  JWT_SECRET: 'compile-cache-placeholder-secret-0123456789',
  APP_API_TOKEN: 'compile-cache-placeholder',
};
// Each bundle is loaded, not run as main: it registers its function and builds its runtime (which
// connects nowhere until asked); then the cache is written and the process ends.
for (const { name } of functions) {
  execFileSync(node, ['--input-type=module', '-e', `await import(${JSON.stringify(path.join(dist, name, 'index.js'))}); (await import('node:module')).flushCompileCache(); process.exit(0);`], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
if (lazy.length > 0) {
  execFileSync(node, ['-e', `for (const f of ${JSON.stringify(lazy)}) require(f); require('node:module').flushCompileCache();`], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}
process.stderr.write(`[compile-cache] ${functions.length} functions, Node.js ${version}, into ${dir}\n`);

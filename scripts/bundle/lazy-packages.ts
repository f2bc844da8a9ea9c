// Packages a function needs only on some requests, read from a file of their own on first use
// instead of with the start-up chunks (bench/cold-start, docs/benchmarks.md):
// - mime-types (with mime-db, 150 KiB, and a pass over all of it at load): express, send, accepts
//   and type-is look up a type by file extension only for res.type/res.sendFile/res.format and
//   functions-framework's crash answer; taskfn writes its answers with node:http's own methods;
// - qs (with side-channel and get-intrinsic): express's "extended" query parser, which
//   functions-framework does not choose, and body-parser's form parser, for a form body, which
//   taskfn then refuses with 415;
// - cron-parser (with luxon, 100 KiB): only a recurrence rule or a schedule with a cron expression;
// - thread-stream (with node:worker_threads): pino's transports, which taskfn does not configure.
// Each consumer requires the package once at its top and reads its exports only inside functions,
// so the bundles get a stand-in whose exports load the real package (dist/lazy/<name>.cjs, bundled
// with its own dependencies) at the first read: the same code runs, later. The stand-in requires it
// synchronously, as the consumers expect, through the `require` the bundles' banner makes.
import { createRequire } from 'node:module';
import path from 'node:path';
import { type BuildOptions, type Metafile, type Plugin, build } from 'esbuild';

export const lazyPackages = ['mime-types', 'qs', 'cron-parser', 'thread-stream'] as const;

const lazyDir = 'lazy';
const file = (name: string) => `${lazyDir}/${name}.cjs`;
const stubNamespace = 'taskfn-lazy';

/**
 * The stand-ins. `outdir` holds the entries (`<function>/index.js`) and chunks (`chunks/*.js`), each
 * one level below it, so `../lazy/<name>.cjs` reaches the package from any of them.
 */
export function lazyStandIns(root: string): Plugin {
  const requireFromRoot = createRequire(path.join(root, 'package.json'));
  const filter = new RegExp(`^(${lazyPackages.join('|')})$`);
  return {
    name: 'taskfn-lazy-packages',
    setup(b) {
      b.onResolve({ filter }, async (args) => {
        if (args.pluginData === stubNamespace) return undefined;
        // A consumer with a copy of its own (another version) would silently get the root's.
        const own = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: stubNamespace });
        const shared = requireFromRoot.resolve(args.path);
        if (own.path !== shared) return { errors: [{ text: `${args.importer} resolves ${args.path} to ${own.path}, not the lazily loaded ${shared}` }] };
        return { path: args.path, namespace: stubNamespace };
      });
      b.onResolve({ filter: new RegExp(`^\\.\\./${lazyDir}/`) }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: stubNamespace }, (args) => {
        const keys = Object.keys(requireFromRoot(args.path) as object);
        return {
          loader: 'js',
          resolveDir: root,
          contents: [
            `let real;`,
            `const load = () => (real ??= require(${JSON.stringify(`../${file(args.path)}`)}));`,
            `for (const key of ${JSON.stringify(keys)}) Object.defineProperty(exports, key, { enumerable: true, get: () => load()[key] });`,
          ].join('\n'),
        };
      });
    },
  };
}

/** Builds dist/lazy/<name>.cjs for each package, with what `common` gives every bundle. */
export async function buildLazyPackages(root: string, outdir: string, common: BuildOptions): Promise<Metafile[]> {
  const metas: Metafile[] = [];
  for (const name of lazyPackages) {
    const result = await build({
      ...common,
      format: 'cjs',
      banner: {},
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: root, sourcefile: `lazy-${name}.cjs`, loader: 'js' },
      outfile: path.join(outdir, file(name)),
    });
    metas.push(result.metafile!);
  }
  return metas;
}

import path from 'node:path';
import { build } from 'esbuild';
import { catalog } from '../functions/catalog.ts';

// Each catalog function bundled as its deployment bundles it, for the tests that check the
// catalog's declarations against the code (test/catalog-*.test.ts).

export const root = path.join(import.meta.dirname, '..');

export interface FunctionBundle {
  /** The bundle, tree-shaken: only the code the function can reach from its entry point. */
  code: string;
  /** The repository files (relative paths) its module graph reaches. */
  inputs: string[];
}

export async function bundleCatalog(): Promise<Map<string, FunctionBundle>> {
  const outdir = path.join(root, 'dist-catalog-probe');
  const { metafile, outputFiles } = await build({
    entryPoints: catalog.map((e) => ({ in: path.join(root, 'functions', e.name, 'index.ts'), out: e.name })),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir,
    logLevel: 'silent',
  });
  const bundles = new Map<string, FunctionBundle>();
  for (const { name } of catalog) {
    const output = Object.entries(metafile.outputs).find(([file]) => path.basename(file) === `${name}.js`)?.[1];
    const code = outputFiles.find((f) => path.basename(f.path) === `${name}.js`)?.text;
    if (!output || code === undefined) throw new Error(`${name}: esbuild made no ${name}.js`);
    bundles.set(name, { code, inputs: Object.keys(output.inputs) });
  }
  return bundles;
}

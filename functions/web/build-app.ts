import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// The app's build: functions/web/app/main.tsx and everything it imports (Preact, the chat's local
// parser, the CSS it imports) into one script and one stylesheet named by their content's hash.
// npm run build writes them beside the web function's bundle (dist/web/public/, in the image); the
// web function runs this in memory instead when it finds none (npm start and the tests), so a
// fresh clone needs no build step. esbuild is a development dependency: a production bundle
// never reaches this module.

const appDir = fileURLToPath(new URL('./app/', import.meta.url));

export interface AppFile {
  /** The file name under /assets/, hashed: `main-5FQ2DJ3K.js`. */
  name: string;
  contents: Uint8Array;
}

export interface BuiltApp {
  files: AppFile[];
  /** The names of the page's script and stylesheet among `files`. */
  script: string;
  style: string;
}

export async function buildApp({ minify = true }: { minify?: boolean } = {}): Promise<BuiltApp> {
  const outdir = path.join(appDir, 'out');
  const result = await build({
    entryPoints: [path.join(appDir, 'main.tsx')],
    bundle: true,
    write: false,
    outdir,
    format: 'esm',
    platform: 'browser',
    // Browsers of the last two years: native ES modules, optional chaining, top-level await.
    target: ['chrome120', 'firefox121', 'safari17'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    minify,
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  const files = result.outputFiles.map((f) => ({ name: path.relative(outdir, f.path), contents: f.contents }));
  const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint !== undefined);
  if (!entry || !entry[1].cssBundle) throw new Error('the app build produced no entry script with a stylesheet');
  return { files, script: path.basename(entry[0]), style: path.basename(entry[1].cssBundle) };
}

import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BuiltApp } from './build-app.ts';

// The built app as the web function serves it: each file with its type, its gzip form (computed
// once, so a request costs a map lookup) and an ETag. On disk a build is its files plus
// manifest.json naming the page's script and stylesheet.

export interface Asset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

export interface Assets {
  files: Map<string, Asset>;
  script: string;
  style: string;
}

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const manifestName = 'manifest.json';

export const etagOf = (body: Buffer): string => `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;

export function assetsFrom(built: BuiltApp): Assets {
  const files = new Map<string, Asset>();
  for (const file of built.files) {
    const type = types[path.extname(file.name)];
    if (!type) continue;
    const body = Buffer.from(file.contents);
    files.set(file.name, { body, gzip: gzipSync(body, { level: 9 }), type, etag: etagOf(body) });
  }
  return { files, script: built.script, style: built.style };
}

export async function writeBuilt(built: BuiltApp, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(built.files.map((f) => writeFile(path.join(dir, f.name), f.contents)));
  await writeFile(path.join(dir, manifestName), `${JSON.stringify({ script: built.script, style: built.style })}\n`);
}

/** The build written to `dir` by writeBuilt, or undefined when there is none. */
export async function readBuilt(dir: string): Promise<BuiltApp | undefined> {
  const manifest = await readFile(path.join(dir, manifestName), 'utf8').catch(() => undefined);
  if (manifest === undefined) return undefined;
  const { script, style } = JSON.parse(manifest) as { script: string; style: string };
  const names = (await readdir(dir)).filter((name) => name !== manifestName);
  const files = await Promise.all(names.map(async (name) => ({ name, contents: await readFile(path.join(dir, name)) })));
  return { files, script, style };
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildApp } from './build-app.ts';

// What a first load costs over the wire: the page's one script and one stylesheet, gzip as served.
const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

describe("the web app's first load", () => {
  it('stays within 60 KB of gzip JavaScript and 15 KB of gzip CSS', async (t) => {
    const built = await buildApp();
    const gzipOf = (name: string) => gzipSync(built.files.find((f) => f.name === name)!.contents, { level: 9 }).length;
    const js = gzipOf(built.script);
    const css = gzipOf(built.style);
    t.diagnostic(`first load: ${kib(js)} KiB JavaScript, ${kib(css)} KiB CSS (gzip)`);
    assert.ok(js <= 60 * 1024, `${kib(js)} KiB of JavaScript`);
    assert.ok(css <= 15 * 1024, `${kib(css)} KiB of CSS`);
  });

  it('is one script and one stylesheet: no chunk loaded later, nothing but the two and their source maps', async () => {
    const built = await buildApp();
    assert.deepEqual(built.files.map((f) => f.name.replace(/-[A-Z0-9]{8}\./, '-HASH.')).sort(), ['main-HASH.css', 'main-HASH.css.map', 'main-HASH.js', 'main-HASH.js.map']);
  });
});

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type SidecarUse, catalog } from '../functions/catalog.ts';
import { bundleCatalog, root } from './catalog-bundles.ts';

// The chart scopes the state store and the email binding to the functions whose catalog entry
// says they use them; a function that calls the sidecar for one it was not given fails only in a
// cluster. So the declaration is checked against the code each function's module graph reaches.

/** The sidecar APIs behind `state` and `email`, as the code calls them. */
const calls: [SidecarUse, RegExp][] = [
  ['state', /\/v1\.0\/state\//],
  ['email', /\/v1\.0\/bindings\//],
];

describe('catalog uses', () => {
  it('declare exactly the state store and email binding each function calls its sidecar for', async () => {
    const bundles = await bundleCatalog();
    const sources = new Map<string, string>();
    const read = async (file: string) => sources.get(file) ?? sources.set(file, await readFile(path.join(root, file), 'utf8')).get(file)!;

    const wrong: string[] = [];
    for (const entry of catalog) {
      const code = await Promise.all(bundles.get(entry.name)!.inputs.map(read));
      for (const [use, api] of calls) {
        const calls = code.some((text) => api.test(text));
        const declared = entry.uses?.includes(use) ?? false;
        if (calls !== declared) wrong.push(`${entry.name}: ${calls ? 'calls' : 'does not call'} the sidecar's ${use} API but ${declared ? 'declares' : 'lacks'} uses '${use}'`);
      }
    }
    assert.deepEqual(wrong, [], 'fix `uses` in functions/catalog.ts, then run `npm run generate:manifests`');
  });
});

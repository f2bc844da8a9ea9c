import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { catalog } from '../functions/catalog.ts';

// functions/index.ts keeps static imports, one per function, so functions-framework (and a
// reader) sees the whole set without running the catalog's loaders: a second list of the
// functions, kept equal to the catalog here.

const imported = /^import '\.\/([^/]+)\/index\.ts';$/gm;

describe('functions/index.ts', () => {
  it('imports exactly the catalog functions, each once', async () => {
    const text = await readFile(path.join(import.meta.dirname, '..', 'functions', 'index.ts'), 'utf8');
    const names = [...text.matchAll(imported)].map((m) => m[1]!);
    assert.deepEqual([...names].sort(), catalog.map((e) => e.name).sort(), 'functions/index.ts must import ./<name>/index.ts for every catalog entry');
  });
});

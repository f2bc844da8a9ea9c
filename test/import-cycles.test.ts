import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';

// A runtime import cycle makes a module's value undefined depending on which side loads first; the
// outbox and its relay once needed a dynamic import to dodge one. esbuild's metafile lists each
// module's runtime imports (type-only imports are erased), so cycles are found over the real graph.
const root = path.join(import.meta.dirname, '..');

async function importGraph(entryPoints: string[]): Promise<Map<string, string[]>> {
  const { metafile } = await build({ entryPoints, absWorkingDir: root, bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent', outdir: 'out' });
  return new Map(Object.entries(metafile.inputs).map(([file, input]) => [file, input.imports.filter((i) => !i.external).map((i) => i.path)]));
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('the import graph', () => {
  it('has no runtime cycle from any entry point', async () => {
    const graph = await importGraph(['functions/index.ts', 'scripts/start.ts', 'scripts/bundle/serve.ts', 'scripts/relay.ts']);
    assert.ok(graph.size > 100, `only ${graph.size} modules reached`);
    assert.deepEqual(cycles(graph), []);
  });

  it('would report a cycle: the finder sees one in a graph that has it', () => {
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]);
    assert.deepEqual(cycles(graph), [['a', 'b', 'c', 'a']]);
  });
});

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type EventType, catalog } from '../functions/catalog.ts';
import { taskEventTypes } from '../shared/events/task-events.ts';
import { type FunctionBundle, bundleCatalog, root } from './catalog-bundles.ts';

// A function's README says which events it emits and consumes from the catalog's `emits` and
// `consumes`; these tests keep those declarations true to the code. They read each function's
// bundle tree-shaken by esbuild, so a shared module counts only for the code the function can
// reach: create-task imports shared/db/tasks.ts but never reaches its update or delete.

// Every event is built by one of two constructors (shared/events/task-events.ts, time-events.ts),
// with its type as a literal; esbuild may rename a function on a clash (taskEvent2).
const built = /(?<!function\s+)\b(?:taskEvent|timeEvent)\d*\(\s*([^,)]*)/g;
// Every event function parses its input with one of two parsers: parseTimeEvent names its type,
// parseTaskEvent accepts all task types.
const parsedTime = /(?<!function\s+)\bparseTimeEvent\d*\(\s*([^,)]*)/g;
const parsedTask = /(?<!function\s+)\bparseTaskEvent\d*\(/;
const typeLiteral = /^["'](com\.taskfn\.[a-z.]+)["']$/;
const taskTypeInSource = /'(com\.taskfn\.task\.[a-z]+)'/g;

let bundles: Map<string, FunctionBundle> | undefined;
const bundleOf = async (name: string) => (bundles ??= await bundleCatalog()).get(name)!;

/** The types of the calls `pattern` finds, or an error naming a type the test cannot read. */
function literalTypes(name: string, code: string, pattern: RegExp): string[] {
  return [...code.matchAll(pattern)].map(([call, arg]) => {
    const type = typeLiteral.exec(arg!.trim())?.[1];
    if (!type) throw new Error(`${name}: ${call}: name the event type as a string literal, so the catalog can be checked against it`);
    return type;
  });
}

async function emitted(name: string): Promise<string[]> {
  return literalTypes(name, (await bundleOf(name)).code, built);
}

async function consumed(name: string): Promise<string[]> {
  const { code, inputs } = await bundleOf(name);
  const types = literalTypes(name, code, parsedTime);
  if (parsedTask.test(code)) {
    // A handler that acts on some task types only names them in its own folder
    // (`event.type === 'com.taskfn.task.completed'`); one that names none acts on all.
    const own = inputs.filter((file) => file.startsWith(`functions/${name}/`));
    const named = (await Promise.all(own.map((file) => readFile(path.join(root, file), 'utf8')))).flatMap((text) => [...text.matchAll(taskTypeInSource)].map((m) => m[1]!));
    types.push(...(named.length > 0 ? named : taskEventTypes));
  }
  return types;
}

const sorted = (types: Iterable<string>) => [...new Set(types)].sort();
const declaredConsumes = (entry: (typeof catalog)[number]): EventType[] => (entry.trigger === 'event' ? (entry.consumes ?? []) : []);

describe('catalog events', () => {
  it('declare exactly the event types each function writes to the outbox', async () => {
    const wrong: string[] = [];
    for (const entry of catalog) {
      const code = sorted(await emitted(entry.name));
      const declared = sorted(entry.emits ?? []);
      if (JSON.stringify(code) !== JSON.stringify(declared)) wrong.push(`${entry.name}: the code emits [${code.join(', ')}], the catalog says emits [${declared.join(', ')}]`);
    }
    assert.deepEqual(wrong, [], 'fix `emits` in functions/catalog.ts, and the "Events out" line of the function README');
  });

  it('declare exactly the event types each event function acts on', async () => {
    const wrong: string[] = [];
    for (const entry of catalog) {
      const code = sorted(await consumed(entry.name));
      const declared = sorted(declaredConsumes(entry));
      if (JSON.stringify(code) !== JSON.stringify(declared)) wrong.push(`${entry.name}: the code acts on [${code.join(', ')}], the catalog says consumes [${declared.join(', ')}]`);
    }
    assert.deepEqual(wrong, [], 'fix `consumes` in functions/catalog.ts, and the "Events in" line of the function README');
  });

  it('have every consumed event type emitted by some function', () => {
    const emittedByAny = new Set(catalog.flatMap((e) => e.emits ?? []));
    const orphans = catalog.flatMap((e) => declaredConsumes(e).filter((type) => !emittedByAny.has(type)).map((type) => `${e.name} consumes ${type}, which no function emits`));
    assert.deepEqual(orphans, []);
  });
});

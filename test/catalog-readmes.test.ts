import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type CatalogEntry, catalog } from '../functions/catalog.ts';

// The docs a reader trusts about the function set, checked against functions/catalog.ts (whose
// `emits` and `consumes` test/catalog-events.test.ts checks against the code).

const root = path.join(import.meta.dirname, '..');
const read = (file: string) => readFile(path.join(root, file), 'utf8');

/** The text of the README bullet starting `- <label>:`, with its indented continuation lines. */
function bullet(text: string, label: string): string | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`- ${label}:`));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, n) => n > start && !line.startsWith(' '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

const eventTypes = (text: string) => [...new Set(text.match(/com\.taskfn\.[a-z]+\.[a-z]+/g) ?? [])].sort();

/** What a function's README must say about its events, or why it does not. */
function eventLines(entry: CatalogEntry, readme: string): string[] {
  const wrong: string[] = [];
  const expect = (label: string, declared: string[] | undefined) => {
    const text = bullet(readme, label);
    const want = [...(declared ?? [])].sort();
    if (text === undefined) wrong.push(`${entry.name}: no "- ${label}:" line`);
    else if (JSON.stringify(eventTypes(text)) !== JSON.stringify(want)) wrong.push(`${entry.name}: "${label}" names [${eventTypes(text).join(', ')}], the catalog [${want.join(', ')}]`);
  };
  expect('Events out', entry.emits);
  if (entry.trigger === 'event') expect('Events in', entry.consumes);
  else if (bullet(readme, 'Events in') !== undefined) wrong.push(`${entry.name}: an "Events in" line, but it is not an event function`);
  return wrong;
}

/** The fenced block under `## <heading>` of README.md. */
async function readmeBlock(heading: string): Promise<string> {
  const text = await read('README.md');
  const section = text.slice(text.indexOf(`\n## ${heading}\n`));
  return section.slice(section.indexOf('```\n') + 4, section.indexOf('\n```', section.indexOf('```\n') + 4));
}

/** Folders of `dir` that the repository holds (not git-ignored build output or caches, not hidden). */
async function folders(dir: string): Promise<string[]> {
  const ignored = (await read('.gitignore')).split('\n').map((line) => line.trim().replace(/^\//, '').replace(/\/$/, ''));
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && !ignored.includes(e.name)).map((e) => e.name);
}

describe('function READMEs', () => {
  it('name exactly the event types the catalog says each function emits and consumes', async () => {
    const wrong: string[] = [];
    for (const entry of catalog) wrong.push(...eventLines(entry, await read(`functions/${entry.name}/README.md`)));
    assert.deepEqual(wrong, [], 'write the types in full (`com.taskfn.task.created`) on the "- Events out:" / "- Events in:" lines');
  });

  it('refer to nothing a reader of the repository cannot see', async () => {
    const files = ['README.md', 'knative/README.md', 'helm/README.md', 'docs/architecture.md', 'docs/benchmarks.md', 'docs/reliability.md', ...catalog.map((e) => `functions/${e.name}/README.md`)];
    const unseen = /\bthe [\w-]+ issue\b|\bdesign card\b|\(#\d+\)/gi;
    const found: string[] = [];
    for (const file of files) for (const m of (await read(file)).matchAll(unseen)) found.push(`${file}: ${m[0]}`);
    assert.deepEqual(found, []);
  });
});

describe('README.md', () => {
  it('lists every catalog function in its Functions table, linking its folder', async () => {
    const rows = (await read('README.md')).matchAll(/^\| ([a-z-]+) \| .* \| \[functions\/\1\]\(functions\/\1\) \|$/gm);
    assert.deepEqual([...rows].map((m) => m[1]).sort(), catalog.map((e) => e.name).sort());
  });

  it('names every top-level folder and every folder of shared/ in its Layout', async () => {
    const layout = await readmeBlock('Layout');
    const missing = [
      ...(await folders('.')).filter((name) => !new RegExp(`^${name}/`, 'm').test(layout)),
      ...(await folders('shared')).filter((name) => !new RegExp(`(?<![\\w/])${name}/`).test(layout)).map((name) => `shared/${name}`),
    ];
    assert.deepEqual(missing, []);
  });
});

/** The lines of a Markdown file that are commands: in a fenced block, or a curl in a table. */
function commandLines(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return fenced || line.includes('curl ');
  });
}

describe('examples', () => {
  it('compute their dates in the shell instead of writing dates that will pass', async () => {
    const fixed: string[] = [];
    for (const file of ['README.md', ...catalog.map((e) => `functions/${e.name}/README.md`)]) {
      for (const line of commandLines(await read(file))) fixed.push(...(line.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g) ?? []).map((date) => `${file}: ${date}`));
    }
    assert.deepEqual(fixed, [], 'use a date computed by `date -d` (see the README\'s Try it)');
  });
});

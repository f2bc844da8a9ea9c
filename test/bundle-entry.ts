// What scripts/build.ts writes as a function's bundle entry, run from source:
// `node --import tsx test/bundle-entry.ts <name>` registers the function and serves it with
// scripts/bundle/serve.ts, as `node dist/<name>/index.js` does in its container.
import { serveWhenMain } from '../scripts/bundle/serve.ts';

const name = process.argv[2]!;
await import(`../functions/${name}/index.ts`);
serveWhenMain(name, import.meta.url);

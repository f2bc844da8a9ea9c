// Run by test/import-clean.test.ts in a child with an empty environment: imports the modules named
// on the command line and prints, when the event loop has nothing left to do, every setting our
// code read (libraries may read NODE_ENV and their own variables) and every connection opened.
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { settingNames } from '../shared/config.ts';

const names = new Set(settingNames);
const read = new Set<string>();
const connections: string[] = [];
const root = path.join(import.meta.dirname, '..');
const probe = import.meta.filename;

/** Whether the code touching process.env right now is ours: its nearest frame outside this file is in the repository, not in node_modules. */
function byOurCode(): boolean {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const caller = frames.map((f) => /\((?:file:\/\/)?(\/[^:)]+)/.exec(f)?.[1] ?? /at (?:file:\/\/)?(\/[^:]+)/.exec(f)?.[1]).find((f) => f && f !== probe);
  return caller !== undefined && caller.startsWith(root) && !caller.includes('/node_modules/');
}

const socket = net.Socket.prototype as unknown as { connect: (this: net.Socket, ...args: unknown[]) => net.Socket };
const connect = socket.connect;
socket.connect = function (...args) {
  connections.push(JSON.stringify(args[0]));
  return connect.apply(this, args);
};
process.env = new Proxy(process.env, {
  get(env, key) {
    if (typeof key === 'string' && names.has(key) && byOurCode()) read.add(key);
    return Reflect.get(env, key) as unknown;
  },
  // Listing the environment (loadConfig does) reads every setting at once.
  ownKeys(env) {
    if (byOurCode()) read.add('(every setting)');
    return Reflect.ownKeys(env);
  },
});

const failed: string[] = [];
for (const file of process.argv.slice(2)) {
  await import(pathToFileURL(file).href).catch((err: unknown) => failed.push(`${file}: ${(err as Error).message}`));
}
process.once('beforeExit', () => process.stdout.write(JSON.stringify({ read: [...read], connections, failed })));

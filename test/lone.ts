import { after } from 'node:test';
import { freePort } from './free-port.ts';
import { exited, start, waitFor } from './processes.ts';

/**
 * Runs functions alone under functions-framework's own server, as each runs in its Knative Service
 * (`functions-framework --target=<name>`), with extra environment; all are stopped after the file.
 */
export function loneFunctions(): (target: string, env?: NodeJS.ProcessEnv) => Promise<string> {
  const children: ReturnType<typeof start>[] = [];
  after(async () => {
    for (const child of children) {
      child.kill('SIGTERM');
      await exited(child);
    }
  });
  return async (target, env = {}) => {
    const port = await freePort();
    const child = start(process.execPath, ['--import', 'tsx', 'node_modules/.bin/functions-framework', `--target=${target}`, `--port=${port}`], {
      ...process.env,
      NODE_ENV: 'test',
      ...env,
    });
    children.push(child);
    await waitFor(child, /^URL: /);
    return `http://127.0.0.1:${port}`;
  };
}

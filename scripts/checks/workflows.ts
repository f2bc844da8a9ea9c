// GitHub Actions workflows through the pinned actionlint: expression types, unknown keys, action
// inputs, job graph; and shellcheck over every run: step when shellcheck is on the PATH (it is on
// GitHub's runners).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { goTool } from './tools.ts';
import type { Finding } from './validate.ts';

export async function actionlint(files: string[], cwd: string): Promise<Finding[]> {
  if (files.length === 0) return [];
  try {
    await promisify(execFile)(goTool('actionlint'), ['-no-color', '-oneline', ...files], { cwd });
    return [];
  } catch (error) {
    const { stdout = '', stderr = '', code } = error as { stdout?: string; stderr?: string; code?: unknown };
    // Exit 1 is "problems found", one a line; anything else is actionlint itself failing.
    if (code !== 1) throw new Error(`actionlint: ${stderr || String(error)}`, { cause: error });
    return stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const at = /^(.+?):(\d+:\d+): (.*)$/.exec(line);
        return at ? { source: `${at[1]}:${at[2]}`, message: `actionlint: ${at[3]}` } : { source: 'workflows', message: line };
      });
  }
}

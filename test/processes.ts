import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

/** Starts a child process and keeps all it prints, for waitFor and for failure messages. */
export function start(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess & { output: string[] } {
  const child = Object.assign(spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }), { output: [] as string[] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => child.output.push(line));
  }
  return child;
}

/** Resolves with the first printed line matching `pattern`; rejects if the process ends first. */
export function waitFor(child: ChildProcess & { output: string[] }, pattern: RegExp, ms = 60_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}:\n${child.output.join('\n')}`)), ms);
    const check = () => {
      for (const line of child.output) {
        const m = pattern.exec(line);
        if (m) return done(undefined, m);
      }
    };
    const onLine = () => setImmediate(check);
    const onExit = () => done(new Error(`exited (${child.exitCode}) before ${pattern}:\n${child.output.join('\n')}`));
    function done(err?: Error, m?: RegExpExecArray) {
      clearTimeout(timer);
      child.stdout?.off('data', onLine);
      child.stderr?.off('data', onLine);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(m!);
    }
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    child.once('exit', onExit);
    check();
  });
}

/** Resolves with the exit code once the process has ended and all it printed has been read ('close', not 'exit'). */
export function exited(child: ChildProcess): Promise<number | null> {
  const ended = child.exitCode !== null || child.signalCode !== null;
  if (ended && (!child.stdout || child.stdout.destroyed) && (!child.stderr || child.stderr.destroyed)) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}

/** True when nothing accepts connections on the loopback port. */
export function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** SIGTERM, then SIGKILL if it is still there after `killAfterMs`; resolves once it is gone. */
export async function terminate(child: ChildProcess, killAfterMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await gone;
  clearTimeout(timer);
}

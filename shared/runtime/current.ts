import { AsyncLocalStorage } from 'node:async_hooks';
import type { Runtime } from './runtime.ts';

// The runtime code reaches when it runs. An entry point names the process's one; a test that runs
// two "replicas" in one process scopes each one's work to its own.
const scoped = new AsyncLocalStorage<Runtime>();
let processRuntime: Runtime | undefined;

/** Names the process's runtime: called once by each entry point, before it serves. */
export function useRuntime(runtime: Runtime): void {
  processRuntime = runtime;
}

/** The runtime of the work in progress: the one it was scoped to, or else the process's. */
export function runtime(): Runtime {
  const inScope = scoped.getStore();
  if (inScope) return inScope;
  if (!processRuntime) throw new Error('no runtime: the entry point builds one with createRuntime() and names it with useRuntime()');
  return processRuntime;
}

/** Runs `work` (and everything it starts: timers, promises, callbacks) with `runtime` as the current one. */
export function withRuntime<T>(runtime: Runtime, work: () => T): T {
  // The process's own runtime, outside any other's scope, is current already. Not entering a scope
  // then keeps AsyncLocalStorage off: before Node 24 its first run() installs promise hooks that
  // every promise in the process pays for (a sixth of the local host's create-task requests/s
  // under Node 20; docs/benchmarks.md).
  if (runtime === processRuntime && scoped.getStore() === undefined) return work();
  return scoped.run(runtime, work);
}

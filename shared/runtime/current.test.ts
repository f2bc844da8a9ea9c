import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { loadConfig } from '../config.ts';
import { runtime, withRuntime } from './current.ts';
import { createRuntime } from './runtime.ts';

// withRuntime enters no scope for the process's own runtime (test/file-database.ts names one for
// this file): these hold it to the same answers as when it always did.
describe('the current runtime', () => {
  const own = runtime();
  const other = createRuntime(loadConfig(process.env));
  after(() => other.close());

  /** The runtime current in `work` itself and in what it starts a turn later. */
  const seenIn = (rt: typeof own) =>
    withRuntime(rt, async () => {
      const now = runtime();
      await nextTurn();
      return [now, runtime()];
    });

  it("is the process's own in work scoped to it, and in what that work starts", async () => {
    const [now, later] = await seenIn(own);
    assert.equal(now, own);
    assert.equal(later, own);
  });

  it('is another runtime in work scoped to it, and in what that work starts', async () => {
    const [now, later] = await seenIn(other);
    assert.equal(now, other);
    assert.equal(later, other);
  });

  it("is the process's own again in work scoped to it from inside another's", async () => {
    const [now, later] = await withRuntime(other, () => seenIn(own));
    assert.equal(now, own);
    assert.equal(later, own);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KeyLike, commandFor } from './keyboard.ts';

const key = (k: string, change: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: { tagName: 'BUTTON', isContentEditable: false }, inDialog: false, ...change });

describe('keyboard shortcuts', () => {
  it('maps q, /, j, k, x, e and ? to their commands', () => {
    assert.deepEqual(['q', '/', 'j', 'k', 'x', 'e', '?'].map((k) => commandFor(key(k))), ['quick-add', 'search', 'next', 'previous', 'complete', 'edit', 'help']);
  });

  it('leaves keys alone while the user types in a field, uses a modifier, or a dialog is open', () => {
    assert.equal(commandFor(key('x', { target: { tagName: 'INPUT', isContentEditable: false } })), undefined);
    assert.equal(commandFor(key('x', { target: { tagName: 'DIV', isContentEditable: true } })), undefined);
    assert.equal(commandFor(key('k', { ctrlKey: true })), undefined);
    assert.equal(commandFor(key('e', { inDialog: true })), undefined);
    assert.equal(commandFor(key('z')), undefined);
  });
});

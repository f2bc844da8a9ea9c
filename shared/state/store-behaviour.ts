import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { newUser } from '../../test/helpers.ts';
import type { ChatMessage } from '../chat/messages.ts';
import { type ConversationStore, conversationKey } from './port.ts';

export const ttlSeconds = 3600;
export const message = (text: string, role: ChatMessage['role'] = 'user'): ChatMessage => ({ role, text, at: new Date().toISOString() });

/**
 * What every adapter of the conversation-state port promises, as tests: `make(max)` gives the
 * adapter keeping at most `max` messages (default 10), `expire(key)` makes a key's time run out.
 */
export function behavesAsAConversationStore(make: (maxMessages?: number) => ConversationStore, expire: (key: string) => Promise<void>): void {
  describe('the conversation store port', () => {
    it('answers null for a conversation that does not exist', async () => {
      assert.equal(await make().load(newUser(), randomUUID()), null);
    });

    it("keeps appended messages in order, and one user never sees another's conversation of the same id", async () => {
      const [user, other, id] = [newUser(), newUser(), randomUUID()];
      await make().append(user, id, [message('add milk'), message('Added “milk”.', 'assistant')]);
      await make().append(user, id, [message('what is overdue?')]);
      assert.deepEqual((await make().load(user, id))?.map((m) => m.text), ['add milk', 'Added “milk”.', 'what is overdue?']);
      assert.equal(await make().load(other, id), null);
    });

    it('keeps only the newest messages, whole turns first in, first out', async () => {
      const [user, id] = [newUser(), randomUUID()];
      for (let i = 0; i < 7; i++) await make(10).append(user, id, [message(`q${i}`), message(`a${i}`, 'assistant')]);
      const texts = (await make(10).load(user, id))!.map((m) => m.text);
      assert.deepEqual(texts, ['q2', 'a2', 'q3', 'a3', 'q4', 'a4', 'q5', 'a5', 'q6', 'a6']);
    });

    it('loses no message when turns race on one conversation', async () => {
      const [user, id] = [newUser(), randomUUID()];
      const store = make(100);
      await store.append(user, id, [message('start')]);
      await Promise.all(Array.from({ length: 12 }, (_, i) => store.append(user, id, [message(`q${i}`), message(`a${i}`, 'assistant')])));
      const texts = (await store.load(user, id))!.map((m) => m.text);
      assert.equal(texts.length, 25);
      // Each turn's two messages land together.
      for (let i = 0; i < 12; i++) assert.equal(texts[texts.indexOf(`q${i}`) + 1], `a${i}`);
    });

    it('forgets a conversation on remove, and says whether there was one', async () => {
      const [user, id] = [newUser(), randomUUID()];
      await make().append(user, id, [message('hello')]);
      assert.equal(await make().remove(user, id), true);
      assert.equal(await make().load(user, id), null);
      assert.equal(await make().remove(user, id), false);
    });

    it('forgets a conversation once its time to live has passed, and starts afresh after', async () => {
      const [user, id] = [newUser(), randomUUID()];
      await make().append(user, id, [message('hello')]);
      await expire(conversationKey(user, id));
      assert.equal(await make().load(user, id), null);
      await make().append(user, id, [message('again')]);
      assert.deepEqual((await make().load(user, id))?.map((m) => m.text), ['again']);
    });
  });
}

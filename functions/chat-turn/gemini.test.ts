import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { db } from '../../shared/db/client.ts';
import { type GeminiApi, quotaExceeded, startGeminiApi } from '../../test/gemini-api.ts';
import { type Client, clientFor } from '../../test/helpers.ts';
import { loneFunctions } from '../../test/lone.ts';

const sql = db();

// chat-turn configured for Gemini (GEMINI_API_KEY, GEMINI_BASE_URL) against a server speaking the
// generateContent REST shapes: what a client of POST /api/chat sees of the model, and of its failures.
describe('POST /api/chat with the gemini model (generateContent REST contract)', () => {
  const lone = loneFunctions();
  let api: GeminiApi;
  let c: Client;
  before(async () => {
    api = await startGeminiApi();
    const url = await lone('chat-turn', { GEMINI_API_KEY: 'test-key', GEMINI_MODEL: 'gemini-test', GEMINI_BASE_URL: api.baseUrl, GEMINI_TIMEOUT_MS: '1000' });
    c = await clientFor(url);
  });
  after(async () => {
    await api.close();
    await sql.end();
  });

  it('acts through the tools the model calls and answers with its text', async () => {
    api.script({ parts: [{ functionCall: { name: 'add_task', args: { title: 'Call mom', tags: ['family'] } } }] }, { parts: [{ text: 'Added “Call mom” to #family.' }] });
    const res = await c.post('/api/chat', { message: 'remember to call mom' });
    assert.equal(res.status, 200);
    assert.equal(res.body.reply, 'Added “Call mom” to #family.');
    assert.equal(res.body.actions[0].tool, 'add_task');
    const task = (await c.get(`/api/chat/${res.body.conversation_id}`)).body.messages[1].actions[0].result.task;
    assert.deepEqual([task.title, task.tags], ['Call mom', ['family']]);
  });

  it('answers 503 with Retry-After, never a 500, when the model is over quota, failing or too slow', async () => {
    const cases: [Parameters<GeminiApi['script']>[0], string][] = [
      [quotaExceeded('21s'), '21'],
      [{ error: { code: 503, status: 'UNAVAILABLE', message: 'The model is overloaded. Please try again later.' } }, '5'],
      [{ silence: true }, '5'],
    ];
    for (const [answer, retryAfter] of cases) {
      api.script(answer);
      const res = await c.post('/api/chat', { message: 'what is overdue?' });
      assert.equal(res.status, 503, JSON.stringify(res.body));
      assert.equal(res.headers.get('retry-after'), retryAfter);
      assert.equal(res.body.error.code, 'model_unavailable');
    }
  });

  it('keeps nothing of a turn the model failed: the conversation holds only answered turns', async () => {
    api.script({ parts: [{ text: 'Hello!' }] }, quotaExceeded());
    const first = await c.post('/api/chat', { message: 'hi' });
    const failed = await c.post('/api/chat', { message: 'and now?', conversation_id: first.body.conversation_id });
    assert.equal(failed.status, 503);
    const history = await c.get(`/api/chat/${first.body.conversation_id}`);
    assert.deepEqual(history.body.messages.map((m: { text: string }) => m.text), ['hi', 'Hello!']);
  });
});

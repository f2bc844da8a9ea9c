import { useSignal } from '@preact/signals';
import type { ChatAction, ChatReply } from '../../../../shared/chat/messages.ts';
import type { Api } from '../api.ts';

interface Line {
  role: 'user' | 'assistant';
  text: string;
  actions?: ChatAction[];
}

const actionWords = (a: ChatAction) => `${a.undoes ? `undid ${a.undoes}` : a.tool.replace(/_/g, ' ')}${'error' in a.result ? ' (refused)' : ''}`;

/** The assistant: a conversation with its replies and the actions each turn took, and Undo for the last turn. */
export function ChatPanel({ api, onChanged }: { api: Api; onChanged: () => void }) {
  const lines = useSignal<Line[]>([]);
  const text = useSignal('');
  const conversation = useSignal<string | null>(null);
  const busy = useSignal(false);
  const error = useSignal('');
  const took = (reply: ChatReply) => {
    conversation.value = reply.conversation_id;
    lines.value = [...lines.value, { role: 'assistant', text: reply.reply, actions: reply.actions }];
    if (reply.actions.length > 0) onChanged();
  };
  const run = async (call: () => Promise<{ body: ChatReply }>) => {
    busy.value = true;
    try {
      took((await call()).body);
      error.value = '';
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    } finally {
      busy.value = false;
    }
  };
  const send = (e: Event) => {
    e.preventDefault();
    const message = text.value.trim();
    if (!message) return;
    lines.value = [...lines.value, { role: 'user', text: message }];
    text.value = '';
    void run(() => api.post<ChatReply>('/api/chat', { message, ...(conversation.value ? { conversation_id: conversation.value } : {}) }));
  };
  const undo = () => void run(() => api.post<ChatReply>(`/api/chat/${conversation.value}/undo`));
  const last = lines.value.at(-1);
  return (
    <section class="chat" aria-label="Assistant">
      <h2>Assistant</h2>
      <ol class="conversation" aria-live="polite">
        {lines.value.map((l, i) => (
          <li key={i} class={l.role}>
            <span class="visually-hidden">{l.role === 'user' ? 'You:' : 'Assistant:'}</span> {l.text}
            {l.actions && l.actions.length > 0 && <span class="took"> ({l.actions.map(actionWords).join(', ')})</span>}
          </li>
        ))}
      </ol>
      <form onSubmit={send}>
        <label for="chat-message" class="visually-hidden">
          Message the assistant
        </label>
        <input id="chat-message" autocomplete="off" placeholder="“move report to friday”, “what is overdue?”" value={text.value} onInput={(e) => (text.value = e.currentTarget.value)} />
        <button type="submit" disabled={busy.value}>
          Send
        </button>
        {conversation.value && last?.role === 'assistant' && last.actions && last.actions.length > 0 && (
          <button type="button" disabled={busy.value} onClick={undo}>
            Undo
          </button>
        )}
      </form>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </section>
  );
}

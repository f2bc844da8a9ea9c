-- Chat: the postgres adapter of the conversation-state port, and the undo log of chat turns.

-- A conversation: its time to live and the sequence numbers of its live messages, first to last.
-- A row past expires_at is gone for readers; new conversations sweep a few such rows, so the table
-- does not grow without bound.
create table chat_conversations (
  key text primary key,
  first_seq bigint not null,
  last_seq bigint not null,
  expires_at timestamptz not null
);

create index chat_conversations_expiry on chat_conversations (expires_at);

-- Its messages, one row each: an append writes only the new turn, whatever the history's length.
create table chat_messages (
  key text not null references chat_conversations (key) on delete cascade,
  seq bigint not null,
  message jsonb not null,
  primary key (key, seq)
);

-- Every change a chat turn made, written in the transaction of the change: the task (or its
-- reminders, or its recurrence) as it was before and after. Undo reverts the newest turn's rows
-- not yet undone, and stamps them in the transaction of the revert.
create table chat_actions (
  id bigint generated always as identity primary key,
  user_id text not null,
  conversation_id uuid not null,
  turn_id uuid not null,
  tool text not null,
  task_id uuid not null,
  before jsonb,
  after jsonb,
  created_at timestamptz not null default now(),
  undone_at timestamptz
);

create index chat_actions_pending on chat_actions (user_id, conversation_id, id) where undone_at is null;
create index chat_actions_age on chat_actions (created_at);

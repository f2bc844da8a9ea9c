-- Live sync: a per-user change log numbered in commit order (shared/sync/).
--
-- Not the outbox's identity column: identity values are handed out at insert, not at commit, so a
-- reader asking for "after N" can pass a row that commits later with a smaller number and never
-- see it. Here each user has a head row; a change takes the next number from it, and the head's
-- row lock, held until commit, orders one user's commits: number n+1 cannot commit before n.

create table sync_heads (
  user_id text primary key,
  seq bigint not null,
  -- The log keeps only the numbers after this one (the tick prunes old entries): a cursor before
  -- it cannot be served and answers 410.
  pruned_through bigint not null default 0
);

create table sync_log (
  user_id text not null,
  seq bigint not null,
  entity text not null check (entity in ('task', 'tag', 'notification', 'reminder', 'settings')),
  id text not null,
  op text not null check (op in ('upsert', 'delete')),
  at timestamptz not null default now(),
  primary key (user_id, seq)
);

create index sync_log_at on sync_log (at);

-- One change: the user's next number and its log entry. The users changed in this transaction are
-- kept in a transaction-local setting, so the writer can wake their readers once it has committed.
create function sync_record(p_user text, p_entity text, p_id text, p_op text) returns void
language plpgsql as $$
declare
  next bigint;
  users text := coalesce(current_setting('taskfn.sync_users', true), '');
begin
  insert into sync_heads as h (user_id, seq)
  values (p_user, 1)
  on conflict (user_id) do update
  set seq = h.seq + 1
  returning h.seq into next;
  insert into sync_log (user_id, seq, entity, id, op)
  values (p_user, next, p_entity, p_id, p_op);
  if position(E'\n' || p_user || E'\n' in E'\n' || users) = 0 then
    perform set_config('taskfn.sync_users', users || p_user || E'\n', true);
  end if;
end $$;

-- Every table a client mirrors records its changes through one trigger function, so no write path
-- (a request, chat, undo, the tick, a cascade, plain SQL) can forget to. TG_ARGV[0] is the entity.
-- A link row (task_tags, notification_attempts) changes its parent: a tag's task_count, a
-- notification's delivery.
create function sync_capture() returns trigger
language plpgsql as $$
declare
  r jsonb := to_jsonb(case when tg_op = 'DELETE' then old else new end);
  owner text;
begin
  if tg_table_name = 'task_tags' then
    select user_id into owner from tags where id = (r->>'tag_id')::uuid;
    if owner is not null then
      perform sync_record(owner, 'tag', r->>'tag_id', 'upsert');
    end if;
  elsif tg_table_name = 'notification_attempts' then
    select user_id into owner from notifications where id = (r->>'notification_id')::uuid and channel = 'in_app';
    if owner is not null then
      perform sync_record(owner, 'notification', r->>'notification_id', 'upsert');
    end if;
  elsif tg_table_name = 'notifications' and r->>'channel' <> 'in_app' then
    -- Only the in-app inbox is mirrored; webhook and email deliveries are not the client's state.
    null;
  else
    perform sync_record(
      r->>'user_id',
      tg_argv[0],
      case when tg_table_name = 'user_settings' then 'me' else r->>'id' end,
      case when tg_op = 'DELETE' then 'delete' else 'upsert' end);
  end if;
  return null;
end $$;

-- Deferred to commit (or to the writer's explicit flush just before it, shared/sync/commit.ts):
-- the head's lock is taken last, held for the shortest time, and after every other lock the
-- transaction takes, so it adds no lock-order deadlock with them.
create constraint trigger sync_tasks after insert or update or delete on tasks
  deferrable initially deferred for each row execute function sync_capture('task');
create constraint trigger sync_tags after insert or update or delete on tags
  deferrable initially deferred for each row execute function sync_capture('tag');
create constraint trigger sync_task_tags after insert or update or delete on task_tags
  deferrable initially deferred for each row execute function sync_capture('tag');
create constraint trigger sync_reminders after insert or update or delete on reminders
  deferrable initially deferred for each row execute function sync_capture('reminder');
create constraint trigger sync_notifications after insert or update or delete on notifications
  deferrable initially deferred for each row execute function sync_capture('notification');
create constraint trigger sync_notification_attempts after insert or update or delete on notification_attempts
  deferrable initially deferred for each row execute function sync_capture('notification');
create constraint trigger sync_settings after insert or update or delete on user_settings
  deferrable initially deferred for each row execute function sync_capture('settings');

-- The writer's flush: runs the deferred captures now, inside the transaction, and answers the
-- users they changed (read once, then cleared, so a retried flush does not repeat them).
create function sync_flush() returns text[]
language plpgsql as $$
declare
  users text;
begin
  set constraints all immediate;
  users := coalesce(current_setting('taskfn.sync_users', true), '');
  perform set_config('taskfn.sync_users', '', true);
  return array_remove(string_to_array(users, E'\n'), '');
end $$;

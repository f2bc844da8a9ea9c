-- Events: the transactional outbox, consumer dedupe, the dead-letter store and the activity log.

-- Every event is written here in the transaction of the change it describes; the relay publishes
-- rows in id order (so per user, in commit order) and stamps published_at.
create table outbox (
  id bigint generated always as identity primary key,
  event_id uuid not null unique,
  topic text not null,
  partition_key text not null,
  type text not null,
  event jsonb not null,
  created_at timestamptz not null default now(),
  published_at timestamptz,
  attempts integer not null default 0,
  last_error text
);

create index outbox_pending on outbox (id) where published_at is null;

-- At-least-once delivery, exactly-once effect: a consumer records the event id in the transaction
-- of its effect, and a redelivered event finds it here.
create table processed_events (
  consumer text not null,
  event_id text not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);

-- Events a consumer gave up on (failed their schema, or retries ran out), kept for inspection.
create table dead_letters (
  id bigint generated always as identity primary key,
  consumer text not null,
  topic text not null,
  event_id text,
  reason text not null,
  payload text not null,
  created_at timestamptz not null default now()
);

create table activity_log (
  id bigint generated always as identity primary key,
  user_id text not null,
  event_id text not null unique,
  type text not null,
  entity_type text not null,
  entity_id uuid not null,
  occurred_at timestamptz not null,
  details jsonb not null
);

create index activity_user_time on activity_log (user_id, occurred_at, id);
create index activity_user_entity on activity_log (user_id, entity_id, occurred_at, id);

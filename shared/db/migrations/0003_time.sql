-- Time: user settings, recurring templates, reminders and notifications.

create table user_settings (
  user_id text primary key,
  timezone text not null default 'UTC',
  email text,
  webhook_url text,
  -- Signs webhook deliveries (HMAC-SHA256); generated here, shown to its owner only.
  webhook_secret text not null,
  default_reminder_offset text,
  channels text[] not null default '{in_app}',
  updated_at timestamptz not null default now()
);

create type recurrence_mode as enum ('schedule', 'on_completion');
create type catch_up_policy as enum ('all', 'latest', 'skip');

create table recurring_tasks (
  id uuid primary key default gen_random_uuid(),
  user_id text not null,
  title text not null check (char_length(title) between 1 and 500),
  description text not null default '' check (char_length(description) <= 10000),
  priority task_priority not null default 'medium',
  tags text[] not null default '{}',
  -- The resolved rule (shared/domain/recurrence), its time zone included.
  recurrence jsonb not null,
  mode recurrence_mode not null,
  -- RFC 5545 DTSTART: the series is anchored here, in the rule's time zone.
  starts_at timestamptz not null,
  catch_up catch_up_policy not null default 'all',
  -- schedule mode: the next occurrence to generate; null once the series has ended.
  next_at timestamptz,
  generated integer not null default 0,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1
);

create index recurring_tasks_user on recurring_tasks (user_id, created_at, id);
create index recurring_tasks_due on recurring_tasks (next_at) where active and mode = 'schedule';

alter table tasks
  add column recurring_task_id uuid references recurring_tasks (id) on delete set null,
  add column occurrence_at timestamptz,
  -- on_completion: the task whose completion created this one. Unique, so completing the same
  -- task again (after reopening it, or on a redelivered event) never creates a second successor.
  add column recurs_from uuid unique references tasks (id) on delete set null;

-- schedule: each occurrence of a template becomes at most one task, however many ticks race.
create unique index tasks_occurrence on tasks (recurring_task_id, occurrence_at);

create type reminder_status as enum ('scheduled', 'sent', 'cancelled', 'failed');

create table reminders (
  id uuid primary key default gen_random_uuid(),
  user_id text not null,
  task_id uuid not null references tasks (id) on delete cascade,
  -- Either an offset before the task's due time (ISO 8601 duration) or an absolute time.
  offset_text text,
  at timestamptz,
  -- When it fires: computed from the due time and the user's time zone; null while the task has no due time.
  fire_at timestamptz,
  status reminder_status not null default 'scheduled',
  attempts integer not null default 0,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  check ((offset_text is null) <> (at is null))
);

create index reminders_task on reminders (task_id, created_at, id);
create index reminders_due on reminders (fire_at) where status = 'scheduled';

create type notification_status as enum ('pending', 'delivered', 'failed');

create table notifications (
  id uuid primary key,
  user_id text not null,
  channel text not null check (channel in ('in_app', 'webhook', 'email')),
  reminder_id uuid,
  task_id uuid,
  title text not null,
  body text not null,
  status notification_status not null default 'pending',
  attempts integer not null default 0,
  last_error text,
  read_at timestamptz,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);

create index notifications_user on notifications (user_id, created_at, id) where channel = 'in_app';

-- Every delivery attempt, so a failing webhook can be diagnosed after the fact.
create table notification_attempts (
  notification_id uuid not null references notifications (id) on delete cascade,
  attempt integer not null,
  at timestamptz not null default now(),
  ok boolean not null,
  status_code integer,
  error text,
  primary key (notification_id, attempt)
);

-- The cron tick deletes what has served its purpose, oldest first.
create index outbox_published on outbox (published_at) where published_at is not null;
create index processed_events_time on processed_events (processed_at);

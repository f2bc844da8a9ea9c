-- Tasks and tags, owned by a user id (the JWT `sub`): every query filters on user_id.

create type task_priority as enum ('low', 'medium', 'high', 'critical');

create table tasks (
  id uuid primary key default gen_random_uuid(),
  user_id text not null,
  title text not null check (char_length(title) between 1 and 500),
  description text not null default '' check (char_length(description) <= 10000),
  priority task_priority not null default 'medium',
  due_at timestamptz,
  completed boolean not null default false,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  -- 'simple' lowercases without stemming, so prefix queries ("rep" finds "report") behave predictably.
  search tsvector generated always as (to_tsvector('simple', title || ' ' || description)) stored,
  check (completed = (completed_at is not null))
);

create index tasks_user_created on tasks (user_id, created_at, id);
create index tasks_user_updated on tasks (user_id, updated_at, id);
create index tasks_user_due on tasks (user_id, due_at, id);
create index tasks_search on tasks using gin (search);

create table tags (
  id uuid primary key default gen_random_uuid(),
  user_id text not null,
  name text not null check (char_length(name) between 1 and 50),
  created_at timestamptz not null default now()
);

-- Tag names are unique per user regardless of case: "Work" and "work" are one tag.
create unique index tags_user_name on tags (user_id, lower(name));

create table task_tags (
  task_id uuid not null references tasks (id) on delete cascade,
  tag_id uuid not null references tags (id) on delete cascade,
  primary key (task_id, tag_id)
);

create index task_tags_tag on task_tags (tag_id);

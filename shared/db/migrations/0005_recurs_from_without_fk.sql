-- recurs_from keys an on_completion successor to the task whose completion made it, so a
-- redelivered or repeated completion never makes a second one. It must hold even when that task
-- is gone: completing a task and deleting it at once left recur-on-complete nothing to read, and
-- the reference could not name a deleted task (issue 12 finding 8). The successor is now made from
-- the completed event alone, and recurs_from is a plain unique key, not a foreign key.
alter table tasks drop constraint if exists tasks_recurs_from_fkey;

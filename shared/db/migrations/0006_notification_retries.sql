-- Notification retries outlive the request that started them: the cron tick makes them, so the
-- schedule can span hours (shared/notify/schedule.ts) and every attempt stays visible.

-- When the next attempt is due: set while a notification is pending, null once it is delivered or
-- failed. The attempt in progress holds it a lease ahead, so a crash mid-attempt is retried.
alter table notifications
  add column next_attempt_at timestamptz,
  add column fire_at timestamptz;

-- Pending rows from before this migration retry on the next tick.
update notifications
set next_attempt_at = now()
where status = 'pending';

create index notifications_due on notifications (next_attempt_at) where status = 'pending';

-- Every channel is listed now, not only the in-app inbox.
drop index notifications_user;
create index notifications_user on notifications (user_id, channel, created_at, id);

alter table notification_attempts
  add column duration_ms integer;

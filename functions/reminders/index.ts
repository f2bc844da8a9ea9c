import * as functions from '@google-cloud/functions-framework';
import * as z from 'zod';
import { deleteReminder, listReminders, setReminders } from '../../shared/db/reminders.ts';
import { IdParams } from '../../shared/domain/fields.ts';
import { Reminder, ReminderList, ReminderParams } from '../../shared/domain/reminder.ts';
import { httpFunction, route } from '../../shared/http/index.ts';

const ReminderPage = z.object({ items: z.array(Reminder) });

export const reminders = httpFunction('reminders', [
  route({
    method: 'GET',
    path: '/api/tasks/:id/reminders',
    summary: "A task's reminders, soonest first",
    params: IdParams,
    response: ReminderPage,
    handle: async ({ userId, params }) => ({ items: await listReminders(userId, params.id) }),
  }),
  route({
    method: 'PUT',
    path: '/api/tasks/:id/reminders',
    summary: "Replace a task's reminders: each an offset before the due time (ISO 8601 duration) or an absolute time",
    params: IdParams,
    body: ReminderList,
    response: ReminderPage,
    handle: async ({ userId, params, body }) => ({ items: await setReminders(userId, params.id, body) }),
  }),
  route({
    method: 'DELETE',
    path: '/api/tasks/:id/reminders/:rid',
    summary: 'Remove one reminder',
    params: ReminderParams,
    handle: ({ userId, params }) => deleteReminder(userId, params.id, params.rid),
  }),
]);

functions.http('reminders', reminders);

import * as functions from '@google-cloud/functions-framework';
import * as z from 'zod';
import * as templates from '../../shared/db/recurring-tasks.ts';
import { IdParams } from '../../shared/domain/fields.ts';
import { checkSeries, preview, resolveRule, withinBudget } from '../../shared/domain/recurrence/index.ts';
import {
  PreviewAnswer, PreviewRequest, RecurringTask, RecurringTaskCreate, RecurringTaskPatch, RecurringTaskQuery,
} from '../../shared/domain/recurring-task.ts';
import { VersionCheck } from '../../shared/domain/task.ts';
import { getSettings } from '../../shared/db/settings.ts';
import { expectedVersion, httpFunction, route, versioned } from '../../shared/http/index.ts';

export const recurringTasks = httpFunction('recurring-tasks', [
  route({
    method: 'POST',
    path: '/api/recurring-tasks',
    summary: 'Create a recurring template (schedule: a task at each occurrence; on_completion: the next task when one is done)',
    body: RecurringTaskCreate,
    response: RecurringTask,
    status: 201,
    handle: async ({ actor, body }) => {
      const template = await templates.createRecurringTask(actor, body);
      return versioned(template, 201, { location: `/api/recurring-tasks/${template.id}` });
    },
  }),
  route({
    method: 'GET',
    path: '/api/recurring-tasks',
    summary: "The caller's templates (status=active by default, inactive, all)",
    query: RecurringTaskQuery,
    response: z.object({ items: z.array(RecurringTask) }),
    handle: async ({ userId, query }) => ({ items: await templates.listRecurringTasks(userId, query.status) }),
  }),
  route({
    method: 'GET',
    path: '/api/recurring-tasks/:id',
    summary: 'One template, active or not',
    params: IdParams,
    response: RecurringTask,
    handle: async ({ userId, params }) => versioned(await templates.getRecurringTask(userId, params.id)),
  }),
  route({
    method: 'PATCH',
    path: '/api/recurring-tasks/:id',
    summary: 'Change a template; a new rule or start applies from now on (active: true brings a deactivated one back)',
    params: IdParams,
    body: RecurringTaskPatch,
    conflict: true,
    response: RecurringTask,
    handle: async ({ actor, params, body, req }) =>
      versioned(await templates.updateRecurringTask(actor, params.id, body, expectedVersion(req, body.version))),
  }),
  route({
    method: 'DELETE',
    path: '/api/recurring-tasks/:id',
    summary: 'Deactivate a template: nothing more is generated; it and its tasks are kept',
    params: IdParams,
    body: VersionCheck,
    conflict: true,
    handle: ({ actor, params, body, req }) => templates.deactivateRecurringTask(actor, params.id, expectedVersion(req, body.version)),
  }),
  route({
    method: 'POST',
    path: '/api/recurrence/preview',
    summary: 'The first occurrences of a rule from a start (the start itself when it matches), for an editor showing "next: ..."',
    body: PreviewRequest,
    response: PreviewAnswer,
    handle: async ({ userId, body }) => {
      const rule = resolveRule(body.recurrence, (await getSettings(userId)).timezone);
      const start = new Date(body.start);
      checkSeries(rule, start);
      // One step budget for the whole preview: a sparse rule answers 400 in milliseconds.
      return { occurrences: withinBudget(rule, 'recurrence', () => preview(rule, start, body.count)) };
    },
  }),
]);

functions.http('recurring-tasks', recurringTasks);

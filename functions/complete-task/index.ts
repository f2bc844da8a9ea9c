import * as functions from '@google-cloud/functions-framework';
import * as tasks from '../../shared/db/tasks.ts';
import { IdParams } from '../../shared/domain/fields.ts';
import { Task, VersionCheck } from '../../shared/domain/task.ts';
import { expectedVersion, httpFunction, route, versioned } from '../../shared/http/index.ts';

const toggle = (completed: boolean) =>
  route({
    method: 'POST',
    path: `/api/tasks/:id/${completed ? 'complete' : 'uncomplete'}`,
    summary: completed ? 'Mark a task done (idempotent)' : 'Reopen a done task (idempotent)',
    params: IdParams,
    body: VersionCheck,
    conflict: true,
    response: Task,
    handle: async ({ actor, params, body, req }) =>
      versioned(await tasks.setCompleted(actor, params.id, completed, { expected: expectedVersion(req, body.version) })),
  });

export const completeTask = httpFunction('complete-task', [toggle(true), toggle(false)]);

functions.http('complete-task', completeTask);

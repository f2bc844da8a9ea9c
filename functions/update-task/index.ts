import * as functions from '@google-cloud/functions-framework';
import * as tasks from '../../shared/db/tasks.ts';
import { IdParams } from '../../shared/domain/fields.ts';
import { Task, TaskPatch } from '../../shared/domain/task.ts';
import { expectedVersion, httpFunction, route, versioned } from '../../shared/http/index.ts';

export const updateTask = httpFunction('update-task', [
  route({
    method: 'PATCH',
    path: '/api/tasks/:id',
    summary: 'Change some fields; a stale version (body or If-Match) answers 409 with the current task',
    params: IdParams,
    body: TaskPatch,
    conflict: true,
    response: Task,
    handle: async ({ actor, params, body, req }) => {
      const { version, ...patch } = body;
      return versioned(await tasks.updateTask(actor, params.id, patch, { expected: expectedVersion(req, version) }));
    },
  }),
]);

functions.http('update-task', updateTask);

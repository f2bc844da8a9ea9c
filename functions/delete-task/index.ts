import * as functions from '@google-cloud/functions-framework';
import * as tasks from '../../shared/db/tasks.ts';
import { IdParams } from '../../shared/domain/fields.ts';
import { VersionCheck } from '../../shared/domain/task.ts';
import { expectedVersion, httpFunction, route } from '../../shared/http/index.ts';

export const deleteTask = httpFunction('delete-task', [
  route({
    method: 'DELETE',
    path: '/api/tasks/:id',
    summary: 'Delete a task (optionally only at the version given by If-Match)',
    params: IdParams,
    body: VersionCheck,
    conflict: true,
    handle: async ({ actor, params, body, req }) => {
      await tasks.deleteTask(actor, params.id, { expected: expectedVersion(req, body.version) });
    },
  }),
]);

functions.http('delete-task', deleteTask);

// The package entry point functions-framework loads (`--target=<name>` picks one): importing a
// function's module registers it, and this module, the process's entry, builds the runtime (a bad
// setting ends the process here, before it serves). A deployment loads only its own function's
// bundle instead (scripts/bundle/serve.ts).
// One static import per function of catalog.ts; test/catalog-index.test.ts keeps the two lists equal.
import { loadConfigOrExit } from '../shared/config.ts';
import { useRuntime } from '../shared/runtime/current.ts';
import { createRuntime } from '../shared/runtime/runtime.ts';
import './create-task/index.ts';
import './get-tasks/index.ts';
import './update-task/index.ts';
import './delete-task/index.ts';
import './complete-task/index.ts';
import './tags/index.ts';
import './activity/index.ts';
import './chat-turn/index.ts';
import './relay-outbox/index.ts';
import './log-activity/index.ts';
import './reminders/index.ts';
import './settings/index.ts';
import './notifications/index.ts';
import './sync/index.ts';
import './reminder-fire/index.ts';
import './notify/index.ts';
import './cron-tick/index.ts';
import './recurring-tasks/index.ts';
import './recur-on-complete/index.ts';
import './web/index.ts';

useRuntime(createRuntime(loadConfigOrExit()));

import { pino } from 'pino';

// One JSON line per event on stdout; Knative and every log shipper read that as is. The level is
// LOG_LEVEL's, set by createRuntime (shared/runtime/) when the entry point builds the runtime.
// Asynchronous writes: a synchronous write per request blocks the event loop whenever the pipe or
// file behind stdout is slow. Lines are gathered up to 4 KiB per write (a write per line was a
// tenth of the local host's CPU under bench:create-task) and at most 250 ms late (an unref'd
// timer). pino flushes what is buffered when the process exits.
export const log = pino(
  {
    level: 'info',
    base: { service: 'taskfn' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 }),
);

export type Logger = typeof log;

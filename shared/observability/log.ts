import { pino } from 'pino';
import { getConfig } from '../config.ts';

const config = getConfig();

// One JSON line per event on stdout; Knative and every log shipper read that as is.
// Asynchronous writes: a synchronous write per request blocks the event loop whenever the pipe or
// file behind stdout is slow. pino flushes what is buffered when the process exits.
export const log = pino(
  {
    level: config.LOG_LEVEL,
    base: { service: 'taskfn' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  pino.destination({ dest: 1, sync: false }),
);

export type Logger = typeof log;

import { pino } from 'pino';
import { getConfig } from '../config.ts';

const config = getConfig();

// One JSON line per event on stdout; Knative and every log shipper read that as is.
export const log = pino({
  level: config.LOG_LEVEL,
  base: { service: 'taskfn' },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

export type Logger = typeof log;

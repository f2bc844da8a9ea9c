import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../../test/helpers.ts';
import { nextDelay, parseGoDuration, readSchedule, runOnSchedule } from './schedule.ts';

describe('the cron binding schedule, run by the local host', () => {
  it("reads the schedule from the committed Dapr component, the file the cluster's sidecars load", () => {
    assert.equal(readSchedule(new URL('../../dapr/components/cron-tick.yaml', import.meta.url)), '@every 10s');
  });

  it("parses Go durations as Dapr's @every takes them", () => {
    assert.equal(parseGoDuration('10s'), 10_000);
    assert.equal(parseGoDuration('1m30s'), 90_000);
    assert.equal(parseGoDuration('1h'), 3_600_000);
    assert.equal(parseGoDuration('250ms'), 250);
    for (const bad of ['', '10', 's', '-5s', '1d', '0s']) assert.equal(parseGoDuration(bad), null, bad);
  });

  it('computes the delay to the next fire for @every, shorthands and cron expressions (with seconds)', () => {
    const now = new Date('2026-11-23T10:00:07.500Z');
    assert.equal(nextDelay('@every 10s', now), 10_000);
    assert.equal(nextDelay('*/10 * * * * *', now), 2_500);
    assert.equal(nextDelay('@hourly', now), 3_600_000 - 7_500);
    assert.throws(() => nextDelay('@every soon', now), /not a duration/);
    assert.throws(() => nextDelay('not a cron', now));
  });

  it('runs the job on the schedule, never two at once, and waits for a running job on stop', async () => {
    let runs = 0;
    let release = () => {};
    const schedule = runOnSchedule('test', '@every 5ms', () => {
      runs++;
      return new Promise<void>((resolve) => (release = resolve));
    });
    await eventually(() => Promise.resolve(runs === 1));
    let stopped = false;
    const stopping = schedule.stop().then(() => (stopped = true));
    await Promise.resolve();
    assert.equal(stopped, false, 'stop waits for the running job');
    release();
    await stopping;
    assert.equal(runs, 1, 'ticks that found a job running were skipped');
  });
});

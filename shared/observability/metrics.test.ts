import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { catalog } from '../../functions/catalog.ts';
import { db } from '../db/client.ts';
import { eventFunction } from '../events/function.ts';
import { topics } from '../events/topics.ts';
import { eventually } from '../../test/helpers.ts';
import { runtime } from '../runtime/current.ts';
import { renderMetrics } from './metrics.ts';
import { loadPromClient } from './prom.ts';

const sql = db();

// The series the chart's dashboard and alerts query (helm/taskfn/files): each must be exported under
// the name they use. This file has a database of its own (test/file-database.ts).

after(() => sql.end());

/** The value of one exported sample, by its exact name and labels as Prometheus prints them (as /metrics renders them: the runtime's collectors first). */
async function sample(series: string): Promise<number | undefined> {
  await Promise.all(runtime().collectors.map((collect) => collect()));
  const line = (await renderMetrics()).body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('event pipeline metrics', () => {
  it('report the outbox backlog, the age of its oldest event and dead letters by topic', async () => {
    assert.equal(await sample('taskfn_outbox_pending_events'), 0);
    assert.equal(await sample('taskfn_outbox_oldest_pending_age_seconds'), 0);

    for (const [age, published] of [[600, false], [60, false], [3600, true]] as const) {
      await sql`
        insert into outbox (event_id, topic, partition_key, type, event, created_at, published_at)
        values (${randomUUID()}, 'task-events', 'u1', 'com.taskfn.task.created', '{}',
                now() - make_interval(secs => ${age}), ${published ? sql`now()` : null})`;
    }
    await sql`
      insert into dead_letters (consumer, topic, reason, payload)
      values ('log-activity', 'task-events', 'poison', '{}'), ('notify', 'notification-events', 'poison', '{}'),
             ('recur-on-complete', 'task-events', 'poison', '{}')`;

    // The gauges read the database at most once a second, so a later scrape sees the new rows.
    await eventually(async () => (await sample('taskfn_outbox_pending_events')) === 2);
    const oldest = (await sample('taskfn_outbox_oldest_pending_age_seconds'))!;
    assert.ok(oldest >= 600 && oldest < 3600, `oldest pending age ${oldest}`);
    assert.equal(await sample('taskfn_dead_letters{topic="task-events"}'), 2);
    assert.equal(await sample('taskfn_dead_letters{topic="notification-events"}'), 1);
  });

  it('count each delivery to an event function by outcome and measure its lag from the event time', async () => {
    const outcomes = ['SUCCESS', 'RETRY', 'SUCCESS'] as const;
    let i = 0;
    const fn = eventFunction('metrics-probe', { topic: topics.reminderEvents, handle: () => Promise.resolve(outcomes[i++]!) });
    const tenMinutesAgo = new Date(Date.now() - 600_000).toISOString();
    for (let n = 0; n < outcomes.length; n++) await fn.subscriber.handleEvent({ id: `e${n}`, time: tenMinutesAgo });

    const labels = 'function="metrics-probe",topic="reminder-events"';
    assert.equal(await sample(`taskfn_events_handled_total{${labels},outcome="SUCCESS"}`), 2);
    assert.equal(await sample(`taskfn_events_handled_total{${labels},outcome="RETRY"}`), 1);
    assert.equal(await sample(`taskfn_event_lag_seconds_count{${labels}}`), 3);
    assert.equal(await sample(`taskfn_event_lag_seconds_bucket{le="300",${labels}}`), 0);
    assert.equal(await sample(`taskfn_event_lag_seconds_bucket{le="900",${labels}}`), 3);
  });
});

describe('the chart\'s dashboard and alerts', () => {
  const chart = new URL('../../helm/taskfn/files/', import.meta.url);

  /** Metric names in PromQL: snake_case words, less PromQL's own functions. */
  const seriesIn = (expr: string): string[] =>
    [...expr.matchAll(/(?<![$\w.])[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g)].map(([m]) => m).filter((m) => !['histogram_quantile', 'label_values'].includes(m));

  it('query only series the functions export', async () => {
    for (const entry of catalog) await entry.load(); // each function defines its own metrics
    const { register } = await loadPromClient();
    const exported = new Set((await register.getMetricsAsJSON()).map((m) => m.name));
    const dashboard = JSON.parse(await readFile(new URL('dashboard.json', chart), 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
      templating: { list: { definition?: string }[] };
    };
    const alerts = parse(await readFile(new URL('alerts.yaml', chart), 'utf8')) as { groups: { rules: { expr: string }[] }[] };
    const exprs = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : [])),
      ...alerts.groups.flatMap((g) => g.rules.map((r) => r.expr)),
    ];
    const queried = new Set(exprs.flatMap(seriesIn).map((name) => name.replace(/_(bucket|count|sum)$/, '')));
    assert.ok(queried.has('reminder_lateness_seconds') && queried.has('taskfn_event_lag_seconds'), [...queried].join(' '));
    assert.deepEqual([...queried].filter((name) => !exported.has(name)), []);
  });
});

import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { ActivityEntry, Summary } from '../../../../shared/domain/activity.ts';
import type { Api } from '../api.ts';
import { chartOf } from '../chart.ts';
import { type Clock, formatDue } from '../format.ts';

const width = 640;
const height = 180;
const types = ['task.created', 'task.updated', 'task.completed', 'task.uncompleted', 'task.deleted'];

function ActivityChart({ summary }: { summary: Summary }) {
  const chart = chartOf(summary.periods, { width, height });
  const created = summary.periods.reduce((n, p) => n + p.created, 0);
  const completed = summary.periods.reduce((n, p) => n + p.completed, 0);
  const per = summary.period === 'day' ? 'day' : 'week';
  return (
    <figure class="chart">
      <svg viewBox={`-30 -10 ${width + 40} ${height + 40}`} role="img" aria-labelledby="chart-title chart-desc">
        <title id="chart-title">Tasks created and completed per {per}</title>
        <desc id="chart-desc">
          {created} created and {completed} completed over {summary.periods.length} {per}s
        </desc>
        {chart.grid.map((g) => (
          <g key={g.value}>
            <line x1={0} x2={width} y1={g.y} y2={g.y} class="grid" />
            <text x={-6} y={g.y + 4} text-anchor="end" class="axis">
              {g.value}
            </text>
          </g>
        ))}
        {chart.bars.map((b) => (
          <rect key={`${b.start}-${b.kind}`} x={b.x} y={b.y} width={b.width} height={b.height} class={`bar ${b.kind}`}>
            <title>
              {b.start}: {b.value} {b.kind}
            </title>
          </rect>
        ))}
        {chart.labels.map((l) => (
          <text key={l.start} x={l.x} y={height + 18} text-anchor="middle" class="axis">
            {l.start.slice(5)}
          </text>
        ))}
      </svg>
      <figcaption>
        <span class="key created">■</span> created <span class="key completed">■</span> completed
      </figcaption>
    </figure>
  );
}

/** The productivity summary (per day or week, in the user's zone) drawn as inline SVG, and the filterable log. */
export function ActivityPage({ api, clock }: { api: Api; clock: () => Clock }) {
  const period = useSignal<'day' | 'week'>('day');
  const summary = useSignal<Summary | null>(null);
  const type = useSignal('');
  const entries = useSignal<ActivityEntry[]>([]);
  const cursor = useSignal<string | null>(null);
  const error = useSignal('');
  const fail = (err: unknown) => (error.value = err instanceof Error ? err.message : String(err));

  useEffect(() => {
    const tz = encodeURIComponent(clock().timeZone);
    api.get<Summary>(`/api/activity/summary?period=${period.value}&tz=${tz}`).then(({ body }) => (summary.value = body), fail);
  }, [period.value]);
  const loadLog = (more = false) => {
    const q = new URLSearchParams({ limit: '50', ...(type.value ? { type: type.value } : {}), ...(more && cursor.value ? { cursor: cursor.value } : {}) });
    api.get<{ items: ActivityEntry[]; next_cursor: string | null }>(`/api/activity?${q.toString()}`).then(({ body }) => {
      entries.value = more ? [...entries.value, ...body.items] : body.items;
      cursor.value = body.next_cursor;
    }, fail);
  };
  useEffect(() => loadLog(), [type.value]);

  const s = summary.value;
  return (
    <main id="main" class="activity">
      <h2>Activity</h2>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      <label>
        Per
        <select value={period.value} onChange={(e) => (period.value = e.currentTarget.value as 'day' | 'week')}>
          <option value="day">day (last 30 days)</option>
          <option value="week">week (last 12 weeks)</option>
        </select>
      </label>
      {s && (
        <>
          <dl class="figures">
            <div>
              <dt>Streak</dt>
              <dd>
                {s.streak_days} {s.streak_days === 1 ? 'day' : 'days'}
              </dd>
            </div>
            <div>
              <dt>On time</dt>
              <dd>{s.on_time_share === null ? 'no dated tasks done yet' : `${Math.round(s.on_time_share * 100)}% of ${s.completed_with_due}`}</dd>
            </div>
          </dl>
          <ActivityChart summary={s} />
        </>
      )}
      <h3>Log</h3>
      <label>
        Kind
        <select value={type.value} onChange={(e) => (type.value = e.currentTarget.value)}>
          <option value="">Everything</option>
          {types.map((t) => (
            <option key={t} value={t}>
              {t.replace('task.', '')}
            </option>
          ))}
        </select>
      </label>
      <ul class="log">
        {entries.value.map((e) => (
          <li key={e.id}>
            <span class="when">{formatDue(e.occurred_at, clock())}</span> {e.type.replace('task.', '')}: {String((e.details as { title?: string }).title ?? e.entity_id)}
          </li>
        ))}
      </ul>
      {cursor.value && (
        <button type="button" onClick={() => loadLog(true)}>
          Load more activity
        </button>
      )}
    </main>
  );
}

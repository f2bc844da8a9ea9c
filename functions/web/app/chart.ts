// The activity chart's geometry: created and completed tasks per period as pairs of bars, scaled
// to the largest count, with a few round gridlines. Pure, so the scale is tested without pixels.

export interface PeriodCount {
  start: string;
  created: number;
  completed: number;
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  kind: 'created' | 'completed';
  value: number;
  start: string;
}

export interface Chart {
  bars: Bar[];
  /** Gridline values and their y, bottom to top. */
  grid: { value: number; y: number }[];
  /** Period starts labelled under the axis: at most about eight, evenly spaced. */
  labels: { start: string; x: number }[];
  max: number;
}

/** The smallest "round" number (1, 2 or 5 times a power of ten) at or above n. */
export function niceCeiling(n: number): number {
  if (n <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  return ([1, 2, 5, 10].map((m) => m * power).find((v) => v >= n))!;
}

export function chartOf(periods: PeriodCount[], { width, height }: { width: number; height: number }): Chart {
  const max = niceCeiling(Math.max(0, ...periods.map((p) => Math.max(p.created, p.completed))));
  const slot = periods.length > 0 ? width / periods.length : width;
  const barWidth = Math.max(1, (slot * 0.8) / 2);
  const scale = (v: number) => (v / max) * height;
  const bars = periods.flatMap((p, i) => {
    const x = i * slot + slot * 0.1;
    return (['created', 'completed'] as const).map((kind, k) => ({
      x: x + k * barWidth,
      y: height - scale(p[kind]),
      width: barWidth,
      height: scale(p[kind]),
      kind,
      value: p[kind],
      start: p.start,
    }));
  });
  const step = Math.max(1, Math.ceil(periods.length / 8));
  const labels = periods.filter((_, i) => i % step === 0).map((p) => ({ start: p.start, x: periods.indexOf(p) * slot + slot / 2 }));
  const grid = [0, max / 2, max].map((value) => ({ value, y: height - scale(value) }));
  return { bars, grid, labels, max };
}

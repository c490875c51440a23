/**
 * Counters and histograms for the hot path, exposed through a prom-client Registry.
 *
 * prom-client's own children hash their label set on every observe (about 1–2 µs and a few
 * allocations each; measured). Here a series is created once per label set and an observe
 * is a bucket search and three additions on numbers: no allocation, no hashing. The
 * families implement the metric interface prom-client's Registry reads (`name`, `type`,
 * `get()`), so /metrics stays one prom-client exposition with the default process metrics.
 */
import type { Registry } from 'prom-client';

type Labels = Record<string, string>;

interface MetricValue {
  metricName?: string;
  labels: Labels;
  value: number;
}

export interface CounterSeries {
  inc(n?: number): void;
}

export class CounterFamily {
  readonly type = 'counter';
  private readonly series = new Map<string, { labels: Labels; value: number; inc(n?: number): void }>();

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The series for these labels, created on first request; keep it and call inc(). */
  with(labels: Labels): CounterSeries {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) {
      const entry = {
        labels,
        value: 0,
        inc(n = 1) {
          entry.value += n;
        },
      };
      s = entry;
      this.series.set(key, s);
    }
    return s;
  }

  get() {
    const values: MetricValue[] = [...this.series.values()].map((s) => ({
      labels: s.labels,
      value: s.value,
    }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}

export class HistogramSeries {
  /** Non-cumulative counts per bucket; the last one is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export class HistogramFamily {
  readonly type = 'histogram';
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  with(labels: Labels): HistogramSeries {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) {
      s = new HistogramSeries(labels, this.bounds);
      this.series.set(key, s);
    }
    return s;
  }

  get() {
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.counts[i]!;
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...s.labels, le: String(le) },
          value: cumulative,
        });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}

/** Seconds; from a quarter of a millisecond (an in-memory answer) to 10 s (a stuck database). */
export const LATENCY_BUCKETS = [
  0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
];

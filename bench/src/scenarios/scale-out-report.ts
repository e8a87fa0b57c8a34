import { fmt, table } from '../harness.js';
import type { ScaleOutResult } from './scale-out.js';

/** The table printed for `scale-out`: each setup's medians and rounds, and the scaling ratios. */
export function scaleOutReport(r: ScaleOutResult, cores: number): string {
  const rounds = r.setups[0]?.rounds.length ?? 0;
  const one = r.setups.find((s) => s.workers === 1);
  const header = ['setup', 'processes', 'msg/s (median)', ...Array.from({ length: rounds }, (_, i) => `r${i + 1}`)];
  header.push('vs 1 worker', 'webhooks/s accepted', 'answered at last POST', 'CPU µs/msg');
  const rows = r.setups.map((s) => [
    s.name,
    String(s.processes),
    fmt(s.median.msgPerSec),
    ...s.rounds.map((x) => fmt(x.msgPerSec)),
    one ? `${fmt(s.median.msgPerSec / one.median.msgPerSec, 2)}×` : '',
    fmt(s.median.acceptedPerSec),
    `${fmt(s.median.answeredAtLastPost * 100)} %`,
    s.median.cpuUsPerMsg === undefined ? 'n/a' : fmt(s.median.cpuUsPerMsg),
  ]);
  const ratios = Object.entries(r.scaling).map(([k, v]) => `${k} ${fmt(v, 2)}`);
  return [
    `== ${r.name}: ${fmt(r.messages)} signed WhatsApp Cloud API webhooks per round (one customer each, ` +
      `${r.concurrency} in flight, after ${r.warmup} warm-up messages), inbound webhook → answer at a fake Graph API; ` +
      `medians of ${rounds} rounds, fresh processes and storage each round ==`,
    'smmbot processes started as in examples/scale-out/processes.mjs (1 web + N workers on PostgreSQL + Redis; ' +
      'the anchor: the same config in one process on SQLite). CPU: all smmbot processes of the setup (not ' +
      'PostgreSQL, Redis, the simulator or this load generator).',
    table([header, ...rows]),
    `scaling: ${ratios.join(', ')}` +
      (cores < 8
        ? ` — on ${cores} cores every process, PostgreSQL, Redis and the load share the CPU: workers cannot scale linearly here`
        : ''),
  ].join('\n');
}

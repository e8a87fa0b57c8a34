import { fmt, resultTable, type ScenarioResult, table } from '../harness.js';

export { supportPipelineScenario } from './support-pipeline.js';

/** What the support pipeline costs next to the Foundation engine figures of the same run (when it ran). */
export interface PipelineRatios {
  msgPerSec: number;
  msgPerCpuSec: number;
  cpuUsPerMsg: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
}

/** Prints the pipeline's table (and the ratios to the engine scenario); returns both for the JSON. */
export function supportPipelineReport(
  pipeline: ScenarioResult,
  engine: ScenarioResult | undefined,
  log: (line: string) => void,
): { result: ScenarioResult; vsEngine?: PipelineRatios } {
  log('');
  log(
    `== ${pipeline.name} (medians of ${pipeline.rounds} rounds; support(), verified customers, ownership, ` +
      'cooldowns, 10% refills, message log in SQLite; every message answered once and logged once) ==',
  );
  log(resultTable(pipeline));
  if (!engine) return { result: pipeline };

  const p = pipeline.median;
  const e = engine.median;
  const vsEngine: PipelineRatios = {
    msgPerSec: p.msgPerSec / e.msgPerSec,
    msgPerCpuSec: p.msgPerCpuSec / e.msgPerCpuSec,
    cpuUsPerMsg: p.cpuUsPerMsg / e.cpuUsPerMsg,
    p50Ms: p.p50Ms / e.p50Ms,
    p99Ms: p.p99Ms / e.p99Ms,
    peakRssMb: p.peakRssMb / e.peakRssMb,
  };
  const row = (label: string, key: keyof PipelineRatios, digits: number) => [
    label,
    fmt(p[key], digits),
    fmt(e[key], digits),
    fmt(vsEngine[key], 2),
  ];
  log('');
  log('== support pipeline vs Foundation engine (medians, same run) ==');
  log(
    table([
      ['', 'support pipeline', 'engine (order)', 'pipeline/engine'],
      row('messages/s (wall clock)', 'msgPerSec', 0),
      row('messages per CPU-second', 'msgPerCpuSec', 0),
      row('CPU per message (µs)', 'cpuUsPerMsg', 1),
      row('latency p50 (ms)', 'p50Ms', 2),
      row('latency p99 (ms)', 'p99Ms', 2),
      row('peak RSS (MB)', 'peakRssMb', 1),
    ]),
  );
  return { result: pipeline, vsEngine };
}

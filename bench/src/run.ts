import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fmt, resultTable, runScenario, type ScenarioResult, table, writeJson } from './harness.js';
import { apiLogsReport, runApiLogs } from './scenarios/api-logs.js';
import { balancerReport, runBalancer } from './scenarios/balancer.js';
import { catalogSyncReport, runCatalogSync } from './scenarios/catalog-sync.js';
import { runCloudWebhook } from './scenarios/cloud-webhook.js';
import { cloudWebhookReport } from './scenarios/cloud-webhook-report.js';
import { engineOrderScenario } from './scenarios/engine-order.js';
import { coalescingReport, runPanelCoalescing } from './scenarios/panel-coalescing.js';
import { runSqliteQueries } from './scenarios/sqlite-queries.js';
import { sqliteReport } from './scenarios/sqlite-report.js';
import { supportPipelineReport, supportPipelineScenario } from './scenarios/support-pipeline-report.js';
import { telegrafAnchorScenario } from './scenarios/telegraf-anchor.js';
import { runScaleOut } from './scenarios/scale-out.js';
import { scaleOutReport } from './scenarios/scale-out-report.js';
import { runTicketAi, ticketAiReport } from './scenarios/ticket-ai.js';
import { createWorkload } from './scenarios/workload.js';

/** Targets are printed beside the figures; nothing here fails on them. */
const TARGET_MSG_PER_SEC = 20_000;
const TARGET_CPU_RATIO = 1.5;
const TARGET_COALESCED_REQUESTS = 10;
const TARGET_RESYNC_MS = 2_000;
const TARGET_SYNC_RSS_MB = 300;
const TARGET_TICKETS_PER_MIN = 200;
const TARGET_BALANCER = { utilisation: 0.99, decisionUs: 20, rssMb: 1024 };

const { values: args, positionals } = parseArgs({
  // `pnpm bench balancer` (or `… balancer,sqlite`): positional names work like `--only`.
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    messages: { type: 'string', default: '20000' },
    senders: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '1000' },
    /**
     * Profiling aid: run only one scenario (`engine`, `telegraf`, `sqlite`, `panel-coalescing`,
     * `catalog-sync`, `support-pipeline`, `cloud-webhook`, `ticket-ai`, `balancer`, `api-logs` or `scale-out`),
     * or several separated by commas. Names given without `--only` (`pnpm bench balancer`) mean the same.
     */
    only: { type: 'string' },
    /** `balancer`: jobs queued for the RSS figure. */
    'balancer-jobs': { type: 'string', default: '1000000' },
    /** `ticket-ai`: tickets, and seconds after which tickets not started are skipped (0: handle all, ~20 min while serial). */
    tickets: { type: 'string', default: '500' },
    'ticket-budget': { type: 'string', default: '60' },
    /** `api-logs`: message-log rows of the one workspace the host serves. */
    'api-logs-rows': { type: 'string', default: '1000000' },
    /** `scale-out`: measured messages per round, and rounds per setup (fresh processes each, so few). */
    'scale-out-messages': { type: 'string', default: '3000' },
    'scale-out-rounds': { type: 'string', default: '3' },
    out: { type: 'string', default: fileURLToPath(new URL('../results/latest.json', import.meta.url)) },
  },
});

const gc = (globalThis as { gc?: () => void }).gc;
const collect = () => gc?.();
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const rounds = Number(args.rounds);
  const warmup = Number(args.warmup);
  const workload = createWorkload(Number(args.messages), Number(args.senders), Number(args.batch));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${process.version}, ${cpus().length} cores (${cpu}), ${fmt(totalmem() / 2 ** 30, 1)} GB RAM`;

  const loadBefore = loadavg()[0]!;
  log(`smmbot bench — ${machine}; load average ${fmt(loadBefore, 2)}`);
  log(
    `workload: ${fmt(workload.messages)} "order <id>" messages from ${fmt(workload.senders)} senders, ` +
      `${fmt(workload.batch)} in flight at a time; ${warmup} warm-up + ${rounds} measured rounds per scenario`,
  );
  if (!gc) log('note: run with node --expose-gc so the heap is collected between scenarios and rounds');

  const options = { rounds, warmup, gc: collect, log };
  const named = [...(args.only?.split(',') ?? []), ...positionals.flatMap((p) => p.split(','))].filter(Boolean);
  const only = named.length ? named : undefined;
  const selected = (name: string) => !only || only.includes(name);
  const ours = !selected('engine') ? undefined : await runScenario(engineOrderScenario(workload), options);
  collect();
  const anchor = !selected('telegraf') ? undefined : await runScenario(telegrafAnchorScenario(workload), options);
  collect();

  if (ours) {
    log('');
    log(`== ${ours.name} (medians of ${rounds} rounds; every message answered exactly once) ==`);
    const target = `≥ ${fmt(TARGET_MSG_PER_SEC)}`;
    log(resultTable(ours, { msgPerSec: target, msgPerCpuSec: target }));
  }
  if (anchor) {
    log('');
    log(`== ${anchor.name}: plain telegraf 4.16.3, same workload, same run ==`);
    log(resultTable(anchor));
  }
  const comparison = ours && anchor ? compare(ours, anchor) : undefined;

  // The storage scenario runs after the engine ones and prints its own tables.
  const sqliteQueries = !selected('sqlite') ? undefined : await runSqliteQueries({ gc: collect, log });
  if (sqliteQueries) {
    log('');
    log(sqliteReport(sqliteQueries));
  }
  collect();
  const panelCoalescing = !selected('panel-coalescing')
    ? undefined
    : await runPanelCoalescing({ rounds, warmup, gc: collect, log });
  if (panelCoalescing) {
    log('');
    log(coalescingReport(panelCoalescing, TARGET_COALESCED_REQUESTS));
  }
  collect();
  const catalogSync = !selected('catalog-sync') ? undefined : await runCatalogSync({ log });
  if (catalogSync) {
    log('');
    log(catalogSyncReport(catalogSync, { resyncMs: TARGET_RESYNC_MS, rssMb: TARGET_SYNC_RSS_MB }));
  }
  collect();
  const pipeline = !selected('support-pipeline')
    ? undefined
    : await runScenario(supportPipelineScenario(workload), options);
  const supportPipeline = pipeline ? supportPipelineReport(pipeline, ours, log) : undefined;
  collect();
  const cloudWebhook = !selected('cloud-webhook')
    ? undefined
    : await runCloudWebhook({ workload, rounds, warmup, gc: collect, log });
  if (cloudWebhook) {
    log('');
    log(cloudWebhookReport(cloudWebhook));
  }
  collect();
  const ticketAi = !selected('ticket-ai')
    ? undefined
    : await runTicketAi({ tickets: Number(args.tickets), budgetSec: Number(args['ticket-budget']), log });
  if (ticketAi) {
    log('');
    log(ticketAiReport(ticketAi, TARGET_TICKETS_PER_MIN));
  }
  collect();
  const balancer = !selected('balancer')
    ? undefined
    : await runBalancer({ log, gc: collect, jobs: Number(args['balancer-jobs']) });
  if (balancer) {
    log('');
    log(balancerReport(balancer, TARGET_BALANCER));
    const violations = balancer.runs.reduce((n, r) => n + r.report.violations.length, 0);
    if (violations > 0) throw new Error(`balancer: ${violations} rule violations in the simulated runs (listed above)`);
  }
  collect();
  const apiLogs = !selected('api-logs') ? undefined : await runApiLogs({ rows: Number(args['api-logs-rows']), log });
  if (apiLogs) {
    log('');
    log(apiLogsReport(apiLogs));
  }
  collect();
  const scaleOut = !selected('scale-out')
    ? undefined
    : await runScaleOut({
        messages: Number(args['scale-out-messages']),
        rounds: Number(args['scale-out-rounds']),
        log,
      });
  if (scaleOut) {
    log('');
    log(scaleOutReport(scaleOut, cpus().length));
  }
  const loadAfter = loadavg()[0]!;
  log(
    `load average ${fmt(loadAfter, 2)} at the end (above ~1 on 2 cores, other work competed: trust CPU figures over wall)`,
  );

  const results = {
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      cores: cpus().length,
      cpu,
      platform: `${process.platform}-${process.arch}`,
      loadBefore,
      loadAfter,
    },
    workload: { messages: workload.messages, senders: workload.senders, batch: workload.batch, rounds, warmup },
    targets: {
      msgPerSec: TARGET_MSG_PER_SEC,
      cpuRatio: TARGET_CPU_RATIO,
      coalescedRequests: TARGET_COALESCED_REQUESTS,
      resyncMs: TARGET_RESYNC_MS,
      syncRssMb: TARGET_SYNC_RSS_MB,
      ticketsPerMinute: TARGET_TICKETS_PER_MIN,
      balancer: TARGET_BALANCER,
      apiLogsP99Ms: 50,
    },
    scenarios: [ours, anchor].filter((r): r is ScenarioResult => r !== undefined),
    comparison,
    sqliteQueries,
    panelCoalescing,
    catalogSync,
    supportPipeline,
    cloudWebhook,
    ticketAi,
    balancer,
    apiLogs,
    scaleOut,
  };
  writeJson(args.out, results);
  log(`results written to ${args.out}`);
}

/** Prints the side-by-side medians and the ratios; returns them for the JSON. */
function compare(ours: ScenarioResult, anchor: ScenarioResult) {
  const cpuPerMessageRatio = ours.median.cpuUsPerMsg / anchor.median.cpuUsPerMsg;
  const messagesPerSecondRatio = ours.median.msgPerSec / anchor.median.msgPerSec;
  const p99Ratio = ours.median.p99Ms / anchor.median.p99Ms;
  log('');
  log('== smmbot vs telegraf (medians) ==');
  log(
    table([
      ['', 'smmbot', 'telegraf', 'ours/telegraf', 'target'],
      [
        'CPU per message (µs)',
        fmt(ours.median.cpuUsPerMsg, 1),
        fmt(anchor.median.cpuUsPerMsg, 1),
        fmt(cpuPerMessageRatio, 2),
        `ratio ≤ ${TARGET_CPU_RATIO}`,
      ],
      [
        'messages/s (wall clock)',
        fmt(ours.median.msgPerSec),
        fmt(anchor.median.msgPerSec),
        fmt(messagesPerSecondRatio, 2),
        `smmbot ≥ ${fmt(TARGET_MSG_PER_SEC)}`,
      ],
      [
        'messages per CPU-second',
        fmt(ours.median.msgPerCpuSec),
        fmt(anchor.median.msgPerCpuSec),
        fmt(ours.median.msgPerCpuSec / anchor.median.msgPerCpuSec, 2),
        `smmbot ≥ ${fmt(TARGET_MSG_PER_SEC)}`,
      ],
      ['latency p99 (ms)', fmt(ours.median.p99Ms, 2), fmt(anchor.median.p99Ms, 2), fmt(p99Ratio, 2), ''],
    ]),
  );
  log('');
  log(
    `smmbot ${verdict(ours.median.msgPerCpuSec >= TARGET_MSG_PER_SEC)} the ${fmt(TARGET_MSG_PER_SEC)} msg/s ` +
      `one-core target (${fmt(ours.median.msgPerCpuSec)} per CPU-second, ${fmt(ours.median.msgPerSec)}/s wall clock); ` +
      `the CPU ratio ${fmt(cpuPerMessageRatio, 2)} ${verdict(cpuPerMessageRatio <= TARGET_CPU_RATIO)} the ≤ ${TARGET_CPU_RATIO} target. ` +
      'Informational only: the bench never fails on figures.',
  );
  return { cpuPerMessageRatio, messagesPerSecondRatio, p99Ratio };
}

function verdict(met: boolean): string {
  return met ? 'meets' : 'misses';
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

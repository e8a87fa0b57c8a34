import { fmt, table } from '../harness.js';
import type { CloudWebhookResult, WebhookFigures } from './cloud-webhook.js';

/** The table printed for `cloud-webhook`: engine medians, each round, the bare route and the ratio. */
export function cloudWebhookReport(r: CloudWebhookResult): string {
  const { ours, anchor } = r;
  const row = (
    label: string,
    key: keyof WebhookFigures | ((f: WebhookFigures) => number),
    digits: number,
    ratio = true,
  ) => {
    const get = typeof key === 'function' ? key : (f: WebhookFigures) => f[key];
    return [
      label,
      fmt(get(ours.median), digits),
      ...ours.perRound.map((f) => fmt(get(f), digits)),
      fmt(get(anchor.median), digits),
      ratio ? fmt(get(ours.median) / get(anchor.median), 2) : '',
    ];
  };
  const header = ['', 'engine', ...ours.perRound.map((_, i) => `r${i + 1}`), 'bare route', 'engine/bare'];
  return [
    `== ${r.name}: ${fmt(r.requests)} signed WhatsApp Cloud API webhooks (text "order <id>", one wamid each, ` +
      `${fmt(r.senders)} senders) + ${r.badSignature} with a bad signature, ${r.concurrency} in flight over keep-alive; ` +
      `medians of ${r.rounds} rounds; every reply checked ==`,
    `host buildServer (Fastify) → CloudApiChannel → engine (memory storage, order command, fake panel) → ` +
      `fake Graph endpoint; anchor: the same server with one route that only checks the signature. ` +
      `Load generator and fake Graph run in a ${r.loadGenerator.startsWith('child') ? 'child process' : 'thread'}: ` +
      'CPU is the server process alone.',
    table([
      header,
      row('signed requests/s accepted (200)', 'acceptedPerSec', 0),
      row('ack latency p50 (ms)', 'ackP50Ms', 2),
      row('ack latency p99 (ms)', 'ackP99Ms', 2),
      row('messages/s handled (to the last reply)', 'handledPerSec', 0, false),
      row('server CPU per request (µs)', 'cpuUsPerReq', 1),
      row('requests per server CPU-second', (f) => 1e6 / f.cpuUsPerReq, 0),
      row('load generator + fake Graph CPU/req (µs)', 'clientCpuUsPerReq', 1, false),
      row('connections opened to the Graph endpoint', 'graphConnections', 0, false),
    ]),
  ].join('\n');
}

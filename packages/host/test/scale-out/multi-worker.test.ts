import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SystemClock } from '@smmbot/core';
import { realServerUrl } from '@smmbot/core/testing';
import { createPostgresStorage, type PostgresStorage } from '@smmbot/storage-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deploymentEnv,
  simulatorProcess,
  webProcess,
  workerProcess,
} from '../../../../examples/scale-out/processes.mjs';
import { Deployment, HOST_READY, type RunningProcess } from './child-processes.js';
import { deliveryPlan, PHONE_NUMBER_ID, WebhookSender } from './inbound-webhooks.js';
import { type RecordingGraph, startRecordingGraph } from './recording-graph.js';
import { answersPerTicket, inspectQueues, killLeaderAndRestart, type Kill, waitUntilQuiet } from './run-steps.js';
import { SimTickets } from './sim-tickets.js';

const redisUrl = realServerUrl('redis');
const pgUrl = realServerUrl('postgres');
/** Webhook deliveries, of which DUPLICATES repeat a message already delivered. */
const DELIVERIES = 10_000;
const DUPLICATES = 2_000;
const TICKETS = 500;
const WORKERS = 4;
/** Webhook POSTs in flight at once (Meta's delivery is concurrent, not unbounded). */
const CONCURRENCY = 32;
const SUBJECT = 'Scale-out test';
const APP_SECRET = 'scale-out-app-secret';
const SEED = Number(process.env.SCALE_OUT_SEED ?? Date.now() % 100_000);
/** Everything after start-up must fit in this, or the test fails with what is missing. */
const RUN_BUDGET_MS = 180_000;

describe.skipIf(!redisUrl || !pgUrl)('scale-out: 1 web and 4 worker processes on one PostgreSQL and one Redis', () => {
  const tag = randomUUID().slice(0, 8);
  const prefix = `smmbot-mw-${tag}`;
  const schema = `scale_out_${tag}`;
  // The processes' working directory (their `./.smmbot`); made in beforeAll, so a skipped run leaves none.
  let cwd = '';
  // Replaced in beforeAll; afterAll kills whatever was started, even after a failed start-up.
  let deployment = new Deployment(os.tmpdir());
  let graph: RecordingGraph | undefined;
  let store: PostgresStorage | undefined;
  let env: Record<string, string> = {};
  let tickets: SimTickets;
  let webhookUrl = '';
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    cwd = mkdtempSync(path.join(os.tmpdir(), 'smmbot-scale-out-'));
    deployment = new Deployment(cwd);
    // The schema is migrated once here, so five processes do not race to create it.
    store = createPostgresStorage({ url: pgUrl!, schema, clock: new SystemClock(), poolMax: 2 });
    await store.ready;
    graph = await startRecordingGraph();
    const sim = deployment.start(simulatorProcess({ port: 0 }), { PATH: process.env.PATH ?? '' });
    const [simUrl, adminKey] = await Promise.all([
      sim.waitForLine(/listening on (http:\/\/\S+)/, 'simulator URL'),
      sim.waitForLine(/X-Api-Key: (\S+)/, 'simulator admin key'),
    ]);
    tickets = new SimTickets(simUrl[1]!, adminKey[1]!);
    env = {
      PATH: process.env.PATH ?? '',
      ...deploymentEnv({
        databaseUrl: pgUrl!,
        redisUrl: redisUrl!,
        prefix,
        secretKey: `scale-out-test-secret-key-${tag}-0123456789`,
        panel: { url: simUrl[1]!, adminKey: adminKey[1]! },
        whatsapp: {
          phoneNumberId: PHONE_NUMBER_ID,
          accessToken: 'scale-out-access-token',
          appSecret: APP_SECRET,
          verifyToken: 'scale-out-verify',
          graphBaseUrl: graph.baseUrl,
        },
      }),
      // This run's own schema; only this run's tickets; the simulator is allowed a busy panel's pace.
      SMMBOT__storage__schema: schema,
      SMMBOT__tenants__0__botConfig__ticket_poll_interval: '10',
      SMMBOT__tenants__0__botConfig__ticket_poll_subject: SUBJECT,
      SMMBOT__tenants__0__panel__options__ratePerSecond: '100',
      SMMBOT__tenants__0__panel__options__concurrency: '16',
    };
    const web = deployment.start(webProcess({ port: 0 }), env);
    webhookUrl = `http://127.0.0.1:${(await web.waitForLine(HOST_READY, 'web ready'))[1]}/webhooks/whatsapp-cloud`;
    for (let i = 1; i <= WORKERS; i++) workers.push(deployment.start(workerProcess({ index: i, port: 0 }), env));
    await Promise.all(workers.map((w) => w.waitForLine(HOST_READY, `${w.name} ready`, 90_000)));
  }, 150_000);

  afterAll(async () => {
    await deployment.killAll();
    await graph?.close();
    if (store) {
      await store.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await store.close();
    }
    if (redisUrl) await inspectQueues(redisUrl, prefix).deleteAll();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  }, 60_000);

  it(`${DELIVERIES} webhooks (${DUPLICATES} duplicates) and ${TICKETS} tickets, the outbox leader SIGKILLed midway: each answered once`, async () => {
    const plan = deliveryPlan(DELIVERIES, DUPLICATES, SEED);
    const texts = await tickets.commandTickets(TICKETS);
    const sender = new WebhookSender(webhookUrl, APP_SECRET, CONCURRENCY);
    const queues = inspectQueues(redisUrl!, prefix);
    const ticketIds: string[] = [];
    const kills: Kill[] = [];
    const t0 = Date.now();
    try {
      // Tickets open all through the messages (one per POSTs/TICKETS), so every poll has some and
      // the kill can find the Ticket AI mid-poll.
      const openTickets = (async () => {
        for (const [i, t] of texts.entries()) {
          while (sender.posted < (i * plan.main.length) / TICKETS) await new Promise((r) => setTimeout(r, 20));
          ticketIds.push(await tickets.create(t.user, SUBJECT, t.message));
        }
      })();
      const midway = killLeaderAndRestart({
        deployment,
        workers,
        env,
        // Midway through the webhooks (answers trail them: sends wait behind the turns in a burst).
        when: () => sender.posted >= plan.main.length / 2,
        answered: () => answeredOf(graph!, plan.unique),
      }).then((kill) => kills.push(kill));
      await Promise.all([sender.sendAll(plan.main, CONCURRENCY), openTickets, midway]);
      const mainPostedMs = Date.now() - t0;
      // Redeliveries of messages answered long ago, after a worker was replaced.
      await sender.sendAll(plan.later, CONCURRENCY);
      const quiet = await waitUntilQuiet({
        deployment,
        queues,
        deadline: t0 + RUN_BUDGET_MS,
        pending: async () => ({
          messages: plan.unique.length - answeredOf(graph!, plan.unique),
          tickets: TICKETS - (await tickets.answeredCount(SUBJECT)),
        }),
        lastActivityAt: () => graph!.lastSendAt,
      });

      const unique = new Set(plan.unique.map((m) => m.from));
      const counts = plan.unique.map((m) => graph!.perRecipient.get(m.from) ?? 0);
      const unanswered = plan.unique.filter((_, i) => counts[i] === 0).map((m) => m.id);
      const duplicateAnswers = counts.reduce((n, c) => n + Math.max(0, c - 1), 0);
      const strangers = graph!.sends.filter((s) => !unique.has(s.to)).length;
      const duplicated = new Set(
        [...plan.main, ...plan.later].filter((p) => p.duplicates > 0).flatMap((p) => p.messages.map((m) => m.from)),
      );
      const duplicatesAnsweredTwice = [...duplicated].filter((from) => (graph!.perRecipient.get(from) ?? 0) > 1);
      const replies = await answersPerTicket(tickets, ticketIds);
      const ticketExtra = replies.reduce((n, r) => n + Math.max(0, r - 1), 0);
      const answerTimes = graph!.sends.map((s) => s.at).sort((a, b) => a - b);
      const seconds = (answerTimes.at(-1)! - t0) / 1000;
      // The last few answers wait for BullMQ to hand the killed worker's jobs on (lock + stalled check).
      const p99Seconds = (answerTimes[Math.floor(answerTimes.length * 0.99)]! - t0) / 1000;
      const sent = plan.main.length + plan.later.length;
      // Each answer given twice, with its send times from the kill: a crash duplicate goes out just
      // before the kill and again once the next leader took over.
      const killAt = kills[0]?.at ?? t0;
      const twice = plan.unique
        .filter((_, i) => counts[i]! > 1)
        .map((m) => {
          const at = graph!.sends.filter((s) => s.to === m.from).map((s) => `${((s.at - killAt) / 1000).toFixed(1)} s`);
          return `    ${m.id} (${duplicated.has(m.from) ? 'a duplicated message' : 'delivered once'}): sent at ${at.join(', ')} from the kill`;
        });
      console.log(
        [
          `scale-out test, seed ${SEED}: 1 web + ${WORKERS} workers on PostgreSQL + Redis`,
          `  webhooks: ${DELIVERIES} deliveries in ${sent} POSTs (${CONCURRENCY} in flight), ${plan.unique.length} unique messages, ` +
            `${DUPLICATES} duplicates (${plan.duplicates.immediate} at once, ${plan.duplicates.batch} in a batch, ${plan.duplicates.later} later); ` +
            `main phase posted in ${(mainPostedMs / 1000).toFixed(1)} s`,
          ...kills.map(
            (k) =>
              `  killed ${k.worker}${k.wasLeader ? ' (the outbox leader)' : ' (no leader seen: a random worker)'}` +
              `${k.duringTicketPoll ? ' while it polled tickets' : ''} at ${((k.at - t0) / 1000).toFixed(1)} s ` +
              `with ${k.answeredBefore} answered; next leader in ${k.takeoverMs} ms, restarted in ${k.restartMs} ms`,
          ),
          `  answers: ${graph!.sends.length} sends, ${plan.unique.length - unanswered.length}/${plan.unique.length} messages answered, ` +
            `${duplicateAnswers} duplicate answer(s), ${duplicatesAnsweredTwice.length} duplicated message(s) answered twice, ${strangers} to strangers`,
          ...twice,
          `  tickets: ${replies.filter((r) => r > 0).length}/${TICKETS} answered, ${ticketExtra} extra repl(ies)`,
          `  time: 99 % answered after ${p99Seconds.toFixed(1)} s, the last after ${seconds.toFixed(1)} s ` +
            `(quiet ${(quiet.quietAfterMs / 1000).toFixed(1)} s after the last POST), ` +
            `${(plan.unique.length / seconds).toFixed(0)} messages/s end to end`,
        ].join('\n'),
      );

      expect(unanswered.slice(0, 20), `${unanswered.length} messages never answered`).toEqual([]);
      expect(strangers).toBe(0);
      // The one way a message goes out twice: the leader dies between the platform's accept and its record.
      expect(duplicateAnswers).toBeLessThanOrEqual(kills.length);
      expect(duplicatesAnsweredTwice.length).toBeLessThanOrEqual(kills.length);
      expect(replies.filter((r) => r === 0)).toHaveLength(0);
      expect(ticketExtra).toBeLessThanOrEqual(kills.length);
      expect(kills).toHaveLength(1);
    } finally {
      sender.close();
      await queues.close();
    }
  }, 240_000);
});

/** Unique messages with at least one answer (each has its own sender). */
function answeredOf(graph: RecordingGraph, unique: { from: string }[]): number {
  let n = 0;
  for (const m of unique) if (graph.perRecipient.has(m.from)) n++;
  return n;
}

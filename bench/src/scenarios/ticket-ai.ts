import {
  type AiChatMessage,
  type AiProvider,
  type BotPlugin,
  createEngine,
  silentLogger,
  SystemClock,
  Tokens,
} from '@smmbot/core';
import { perfectPanel } from '@smmbot/panel-perfectpanel';
import { createPanelSim, type PanelSim } from '@smmbot/panel-sim';
import { memoryStorage } from '@smmbot/storage-memory';
import { support, TicketAiToken, ticketRepliedKey } from '@smmbot/support';
import { fmt, table } from '../harness.js';
import { prng } from './sqlite-data.js';

const SUBJECT = 'Orders Support- AI';
const TENANT = 'default';
/** PerfectPanelAdmin's defaults through the plugin (`perfectPanel`): 3 requests started per second, 4 in flight. */
// The per-panel limits the bench configures (and checks are respected): a panel owner allowing 12
// requests/s; at about 3 requests per ticket that caps Ticket AI near 240 tickets/min.
const PANEL_RATE = 12;
const PANEL_CONCURRENCY = 8;

export interface TicketAiOptions {
  tickets?: number;
  /** Share of command tickets ("speedup my order <id>"); the rest are general questions. */
  commandShare?: number;
  aiDelayMs?: number;
  panelLatencyMs?: number;
  /**
   * Seconds after which the tickets not yet started are taken out of the run (marked replied in the
   * bot's store, so the poll skips them without a request); 0 = no budget, every ticket is handled.
   */
  budgetSec?: number;
  log?: (line: string) => void;
}

export interface TicketAiResult {
  name: string;
  tickets: number;
  commandTickets: number;
  generalTickets: number;
  aiDelayMs: number;
  panelLatencyMs: number;
  adapter: { ratePerSecond: number; concurrency: number };
  budgetSec: number;
  /** Tickets with a staff reply when the poll returned. */
  handled: number;
  /** Taken out of the run at the budget (never started). */
  skippedAtBudget: number;
  wallMs: number;
  /** Handled ÷ minutes from the poll's start to the last reply. */
  ticketsPerMinute: number;
  /** Seconds per handled ticket (serial cost) and its projection to all tickets. */
  secondsPerTicket: number;
  projectedFullRunMin: number;
  /** AI calls in flight at once, at peak. */
  peakAiInFlight: number;
  aiCalls: number;
  panel: {
    requests: number;
    meanPerSecond: number;
    /** Most requests the sim saw in one whole second (buckets from the first request). */
    peakPerSecond: number;
    /** Most requests in any 1 s sliding window (p-queue's fixed windows allow up to 2× the cap here). */
    peakSlidingPerSecond: number;
    byRoute: Record<string, number>;
  };
  outcomes: Record<string, number>;
  correctness: {
    /** Handled tickets with exactly one staff reply. */
    exactlyOne: number;
    /** Tickets with more than one staff reply (must be 0). */
    duplicates: number;
    /** Tickets with no staff reply that were not skipped at the budget (must be 0). */
    missing: number;
    ok: boolean;
  };
}

/** Answers after `delayMs` of real time; counts calls in flight. */
class SlowAi implements AiProvider {
  readonly name = 'bench-slow-ai';
  inFlight = 0;
  peak = 0;
  calls = 0;
  constructor(private readonly delayMs: number) {}
  async complete(_tenant: string, _messages: AiChatMessage[]): Promise<string> {
    this.calls++;
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      return 'Your order is being processed and should finish soon.\n\nBest regards,\nAI Assistant';
    } finally {
      this.inFlight--;
    }
  }
}

const aiPlugin = (ai: AiProvider): BotPlugin => ({
  name: 'bench-ai',
  register: (c) => c.register(Tokens.Ai, { useValue: ai }),
});

/** Collects the `at` of every request the sim logs (its log keeps only the last 2000, so read it often). */
function watchRequests(sim: PanelSim) {
  const times: number[] = [];
  let lastSeq = 0;
  const drain = () => {
    for (const e of sim.requests.entries) {
      if (e.seq > lastSeq) {
        times.push(e.at);
        lastSeq = e.seq;
      }
    }
  };
  const timer = setInterval(drain, 100);
  return {
    times,
    stop() {
      clearInterval(timer);
      drain();
    },
  };
}

function rates(times: number[]) {
  if (times.length === 0) return { meanPerSecond: 0, peakPerSecond: 0, peakSlidingPerSecond: 0 };
  const sorted = [...times].sort((a, b) => a - b);
  const first = sorted[0]!;
  const span = Math.max(1, sorted.at(-1)! - first) / 1000;
  const buckets = new Map<number, number>();
  for (const t of sorted) {
    const b = Math.floor((t - first) / 1000);
    buckets.set(b, (buckets.get(b) ?? 0) + 1);
  }
  let sliding = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= 1000) lo++;
    sliding = Math.max(sliding, hi - lo + 1);
  }
  return {
    meanPerSecond: sorted.length / Math.max(1, span),
    peakPerSecond: Math.max(...buckets.values()),
    peakSlidingPerSecond: sliding,
  };
}

/**
 * 500 Ticket AI tickets on panel-sim (300 ms latency on every request, real time) through the real
 * PerfectPanel plugin at its default rate limit and concurrency; a fake AI that answers after 1.5 s.
 * One `TicketAi.poll` is timed (the scheduled job is off: `ticket_ai_enabled` false, poll called directly).
 */
export async function runTicketAi(options: TicketAiOptions = {}): Promise<TicketAiResult> {
  const total = options.tickets ?? 500;
  const commandShare = options.commandShare ?? 0.3;
  const aiDelayMs = options.aiDelayMs ?? 1_500;
  const panelLatencyMs = options.panelLatencyMs ?? 300;
  const budgetSec = options.budgetSec ?? 0;
  const log = options.log ?? (() => {});
  const clock = new SystemClock();
  const sim = createPanelSim({ seed: 1, clock });
  await sim.start();
  const ai = new SlowAi(aiDelayMs);
  const engine = createEngine({
    clock,
    logger: silentLogger(),
    botConfig: () => ({
      ticket_ai_enabled: false,
      ticket_signature: 'Bench Support',
      ticket_reply_staff_name: 'aisupport',
    }),
    plugins: [
      memoryStorage(),
      perfectPanel({
        url: sim.url,
        adminKey: sim.adminKey,
        servicesApiKey: sim.apiKey,
        ratePerSecond: PANEL_RATE,
        concurrency: PANEL_CONCURRENCY,
      }),
      support({}),
      aiPlugin(ai),
    ],
  });
  await engine.start();
  try {
    // Only this run's tickets carry the subject while it runs: seeded ones are closed.
    for (const t of sim.state.tickets) if (t.subject === SUBJECT) t.status = 'closed';
    const rand = prng(11);
    const users = sim.state.users.filter((u) => sim.state.ordersOf(u.username).length > 0);
    const ids: number[] = [];
    let commandTickets = 0;
    const questions = [
      'hi, when will my order be finished?',
      'my followers dropped, is that normal?',
      'how long does the instagram likes service take?',
      'can you tell me the status of my last order please',
      'what is the difference between your two views services?',
    ];
    for (let i = 0; i < total; i++) {
      const user = users[Math.floor(rand() * users.length)]!;
      let message: string;
      if (rand() < commandShare) {
        const own = sim.state.ordersOf(user.username);
        message = `speedup my order ${own[Math.floor(rand() * own.length)]!.id}`;
        commandTickets++;
      } else {
        message = questions[Math.floor(rand() * questions.length)]!;
      }
      ids.push(sim.state.addTicket({ username: user.username, subject: SUBJECT, message }).id);
    }
    sim.faults.add({ route: '*', kind: 'latency', ms: panelLatencyMs });
    sim.requests.reset();
    const watch = watchRequests(sim);
    const tickets = engine.container.resolve(TicketAiToken);
    const kv = engine.container.resolve(Tokens.Kv);
    const staffReplies = (id: number) =>
      (sim.state.tickets.find((t) => t.id === id)?.messages ?? []).filter((m) => m.sender === 'staff').length;
    const idSet = new Set(ids);
    const progress = setInterval(() => {
      const done = sim.state.tickets.filter((t) => idSet.has(t.id) && t.messages.some((m) => m.sender === 'staff'));
      log(`  ticket AI: ${done.length}/${total} replied after ${fmt((clock.now() - t0) / 1000, 0)} s`);
    }, 30_000);
    const marked = new Set<number>();
    let budgetTimer: NodeJS.Timeout | undefined;
    const t0 = clock.now();
    if (budgetSec > 0) {
      budgetTimer = setTimeout(() => {
        // Every ticket without a reply yet joins the replied set: the poll skips those it has not started
        // (no request); the one in flight has passed that check and is answered. Counted at the end.
        void (async () => {
          for (const id of ids) {
            if (staffReplies(id) > 0) continue;
            marked.add(id);
            await kv.setAdd(TENANT, ticketRepliedKey(TENANT), String(id), 60 * 60_000);
          }
          log(`  ticket AI: budget of ${budgetSec} s reached; the tickets not started are skipped`);
        })();
      }, budgetSec * 1000);
    }
    const result = await tickets.poll(TENANT);
    const wallMs = clock.now() - t0;
    clearTimeout(budgetTimer);
    clearInterval(progress);
    sim.faults.clear();
    watch.stop();
    const skipped = new Set([...marked].filter((id) => staffReplies(id) === 0));

    let handled = 0;
    let exactlyOne = 0;
    let duplicates = 0;
    let missing = 0;
    let lastReply = t0;
    for (const id of ids) {
      const t = sim.state.tickets.find((x) => x.id === id)!;
      const replies = t.messages.filter((m) => m.sender === 'staff');
      if (replies.length > 0) {
        handled++;
        lastReply = Math.max(lastReply, ...replies.map((m) => m.created));
      }
      if (replies.length === 1) exactlyOne++;
      else if (replies.length > 1) duplicates++;
      else if (!skipped.has(id)) missing++;
    }
    const outcomes: Record<string, number> = {};
    for (const [id, o] of Object.entries(result.outcomes)) {
      if (!idSet.has(Number(id))) continue;
      const key = skipped.has(Number(id)) && o === 'already_replied' ? 'skipped_at_budget' : o;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    const activeMs = Math.max(1, lastReply - t0);
    const secondsPerTicket = handled ? activeMs / 1000 / handled : 0;
    return {
      name: 'ticket AI',
      tickets: total,
      commandTickets,
      generalTickets: total - commandTickets,
      aiDelayMs,
      panelLatencyMs,
      adapter: { ratePerSecond: PANEL_RATE, concurrency: PANEL_CONCURRENCY },
      budgetSec,
      handled,
      skippedAtBudget: skipped.size,
      wallMs,
      ticketsPerMinute: handled / (activeMs / 60_000),
      secondsPerTicket,
      projectedFullRunMin: (secondsPerTicket * total) / 60,
      peakAiInFlight: ai.peak,
      aiCalls: ai.calls,
      panel: { requests: watch.times.length, ...rates(watch.times), byRoute: sim.requests.byRoute() },
      outcomes,
      correctness: { exactlyOne, duplicates, missing, ok: duplicates === 0 && missing === 0 && handled === exactlyOne },
    };
  } finally {
    await engine.stop();
    await sim.stop();
  }
}

export function ticketAiReport(r: TicketAiResult, targetPerMinute: number): string {
  const budget = r.budgetSec
    ? `; budget ${r.budgetSec} s: ${fmt(r.skippedAtBudget)} tickets not started by then were skipped`
    : '';
  return [
    `== ${r.name}: ${fmt(r.tickets)} open tickets (${r.commandTickets} "speedup my order <id>", ` +
      `${r.generalTickets} questions), one TicketAi.poll, AI answers after ${fmt(r.aiDelayMs)} ms, ` +
      `panel-sim latency ${r.panelLatencyMs} ms on every request (real time)${budget} ==`,
    `PerfectPanel plugin limited to ${r.adapter.ratePerSecond} requests/s, ${r.adapter.concurrency} in flight`,
    table([
      ['', 'figure', 'target'],
      ['tickets handled / min', fmt(r.ticketsPerMinute, 1), `≥ ${targetPerMinute}`],
      ['tickets handled', `${fmt(r.handled)} of ${fmt(r.tickets)}`, ''],
      ['wall time of the poll (s)', fmt(r.wallMs / 1000, 1), ''],
      ['seconds per ticket', fmt(r.secondsPerTicket, 2), `≤ ${fmt(60 / targetPerMinute, 2)}`],
      ['projected time for all tickets (min)', fmt(r.projectedFullRunMin, 1), ''],
      ['AI calls in flight at peak', fmt(r.peakAiInFlight), '> 1'],
      ['panel requests', fmt(r.panel.requests), ''],
      ['panel requests / s, mean', fmt(r.panel.meanPerSecond, 2), `≤ ${r.adapter.ratePerSecond}`],
      ['panel requests / s, peak 1 s bucket', fmt(r.panel.peakPerSecond), ''],
      // p-queue caps starts per fixed 1 s window: two adjacent windows can put 2× the cap in a sliding second.
      ['panel requests / s, peak sliding 1 s', fmt(r.panel.peakSlidingPerSecond), `≤ ${2 * r.adapter.ratePerSecond}`],
      [
        'exactly one staff reply',
        `${fmt(r.correctness.exactlyOne)} (dup ${r.correctness.duplicates}, missing ${r.correctness.missing})`,
        r.correctness.ok ? 'ok' : 'FAILED',
      ],
    ]),
    `outcomes: ${Object.entries(r.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; requests by route: ${Object.entries(r.panel.byRoute)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ].join('\n');
}

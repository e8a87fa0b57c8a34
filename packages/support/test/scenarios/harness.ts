import { WebchatChannel, webchat } from '@smmbot/channel-webchat';
import {
  type BotPlugin,
  createEngine,
  createLogger,
  SecretBox,
  Tokens,
  type TurnResult,
  VirtualClock,
} from '@smmbot/core';
import { perfectPanel } from '@smmbot/panel-perfectpanel';
import { createPanelSim } from '@smmbot/panel-sim';
import { type NewProviderInput, providers } from '@smmbot/providers';
import { memoryStorage } from '@smmbot/storage-memory';
import { IDENTITIES, type IdentityRecord, identityId, LOGS, type LogRecord, support } from '../../src/index.js';
import { createLogServices } from '../../src/log/index.js';
import type { From, Scenario, ScenarioOrder } from './types.js';

export const START = Date.UTC(2026, 10, 1, 12, 0, 0);
export const CHANNEL = 'webchat';

/** The sim's four providers, each with its own escalation group on the web chat (`provider-group-a`…). */
export function simProviders(): NewProviderInput[] {
  return ['a', 'b', 'c', 'd'].map((x) => ({
    name: `Provider ${x.toUpperCase()}`,
    url: `https://smmprovider-${x}.example/api/v2`,
    key: 'provider-key',
    isActive: false,
    escalationGroup: { channel: CHANNEL, chatId: `provider-group-${x}` },
  }));
}

const secrets: BotPlugin = {
  name: 'scenarios:secrets',
  register: (c) => c.register(Tokens.Secrets, { useValue: new SecretBox('s'.repeat(32)) }),
};

export type ScenarioHarness = Awaited<ReturnType<typeof scenarioHarness>>;

/**
 * The support workflow on the web chat channel against the panel simulator (real loopback HTTP, the real
 * PerfectPanel adapter), all on one virtual clock: the composition of ../harness.ts with `webchat()`.
 */
export async function scenarioHarness(setup: Scenario['setup'] = {}) {
  const clock = new VirtualClock(START);
  const sim = createPanelSim({ clock, seed: 1 });
  await sim.start();
  const list = setup.providers === true ? simProviders() : setup.providers;
  const engine = createEngine({
    clock,
    logger: createLogger({ level: 'silent' }),
    botConfig: () => setup.botConfig ?? {},
    plugins: [
      memoryStorage(),
      webchat(),
      perfectPanel({
        url: sim.url,
        adminKey: sim.adminKey,
        servicesApiKey: sim.apiKey,
        timeoutMs: 5_000,
        ratePerSecond: 100,
      }),
      support(setup.support ?? {}),
      ...(list ? [secrets, providers({ syncOnBoot: false, providers: list })] : []),
    ],
  });
  await engine.start();
  const registered = engine.container.resolve(Tokens.Channels).get(CHANNEL);
  if (!(registered instanceof WebchatChannel)) throw new Error('the web chat channel is not registered');
  const chat: WebchatChannel = registered;
  const store = engine.container.resolve(Tokens.Store);

  async function link(sender: string, panelUser: string) {
    const now = clock.now();
    await store.collection<IdentityRecord>(IDENTITIES).upsert('default', {
      id: identityId(CHANNEL, sender),
      channel: CHANNEL,
      address: sender,
      aliases: [],
      panelUser,
      status: 'active',
      verifiedAt: now,
      verifiedBy: 'admin',
      lastActiveAt: now,
      createdAt: now,
    });
  }
  for (const [sender, user] of Object.entries(setup.link ?? {})) await link(sender, user);

  const orders = (setup.orders ?? []).map((o) => String(addOrder(o).id));
  function addOrder(o: ScenarioOrder) {
    const service =
      o.service === undefined
        ? undefined
        : sim.state.services.find((s) =>
            typeof o.service === 'string' ? s.name.includes(o.service) : o.service!.test(s.name),
          );
    if (o.service !== undefined && !service) throw new Error(`no sim service like ${String(o.service)}`);
    return sim.state.addOrder({
      user: o.user,
      ...(service ? { serviceId: service.id } : {}),
      ...(o.ageMs !== undefined ? { created: clock.now() - o.ageMs } : {}),
      ...(o.status ? { status: o.status, statusAt: clock.now() - (o.statusAgoMs ?? 0) } : {}),
      ...(o.remains !== undefined ? { remains: o.remains } : {}),
      ...(o.startDelayMs !== undefined ? { startDelayMs: o.startDelayMs } : {}),
      ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
    });
  }

  let n = 0;
  let last: TurnResult | undefined;
  /** Sends `text` through the web chat and returns the turn's result and the texts actually sent. */
  async function say(text: string, from: From = {}) {
    const senderId = from.sender ?? 'customer-1';
    const chatId = from.chat ?? (from.group ? 'group-1' : senderId);
    const result = await chat.ask({ chatId, senderId, text, messageId: `s${++n}`, group: from.group ?? false });
    last = result;
    const sent = result.status === 'silent' ? [] : result.replies.map((r) => r.text);
    return { result, sent };
  }

  /** The latest 6-digit code in the sim's tickets of `username`. */
  function lastCode(username: string): string | undefined {
    for (const t of [...sim.state.ticketsFor(username)].reverse()) {
      for (const m of [...(t.messages ?? [])].reverse()) {
        const code = /\b(\d{6})\b/.exec(String((m as { message?: string }).message ?? ''))?.[1];
        if (code) return code;
      }
    }
    return undefined;
  }

  /** The message log, newest first. */
  async function logs(): Promise<LogRecord[]> {
    const { log } = createLogServices({
      logs: store.collection(LOGS),
      kv: engine.container.resolve(Tokens.Kv),
      clock,
    });
    return (await log.query('default', { pageSize: 200 })).items;
  }

  return {
    engine,
    sim,
    clock,
    chat,
    store,
    /** Ids of `setup.orders`, in order. */
    orders,
    link,
    addOrder,
    say,
    lastCode,
    logs,
    /** The result of the latest turn. */
    last: () => last,
    /** What the bot sent to a chat (e.g. a provider group or a broadcast target). */
    sentTo: (chatId: string) =>
      chat
        .messages(chatId)
        .filter((m) => m.from === 'bot')
        .map((m) => m.text),
    async stop() {
      await engine.stop();
      await sim.stop();
    },
  };
}

import type { Role } from '@smmbot/core';
import {
  createEngine,
  createLogger,
  type InboundMessage,
  type Logger,
  type PluginInput,
  VirtualClock,
} from '@smmbot/core';
import { FakeChannel } from '@smmbot/core/testing';
import { perfectPanel } from '@smmbot/panel-perfectpanel';
import { createPanelSim } from '@smmbot/panel-sim';
import { memoryStorage } from '@smmbot/storage-memory';
import { support } from '../src/index.js';

export interface HarnessOptions {
  /** Options of the support plugin. */
  support?: Parameters<typeof support>[0];
  /** The default tenant's bot_config overrides. */
  botConfig?: Record<string, unknown>;
  plugins?: PluginInput[];
  /** Keep log lines (`logs`), e.g. to assert on them. */
  captureLogs?: boolean;
}

/**
 * An engine with the support workflow against the panel simulator (over real loopback HTTP, through
 * the real PerfectPanel adapter), all on one virtual clock: order progress, OTP expiry and cooldowns
 * move only when the test advances time. The sim's user `demo` owns orders 1001-1010.
 */
export async function supportHarness(options: HarnessOptions = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 10, 1, 12, 0, 0));
  const sim = createPanelSim({ clock, seed: 1 });
  await sim.start();
  const channel = new FakeChannel('wa', 'default', clock);
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = createLogger({
    level: options.captureLogs ? 'debug' : 'silent',
    destination: { write: (s: string) => void logs.push(JSON.parse(s)) },
  });
  const engine = createEngine({
    clock,
    logger,
    botConfig: () => options.botConfig ?? {},
    plugins: [
      memoryStorage(),
      channel.plugin(),
      // A high rate cap: p-queue's interval runs on real time, and tests make many calls on virtual time.
      perfectPanel({
        url: sim.url,
        adminKey: sim.adminKey,
        servicesApiKey: sim.apiKey,
        timeoutMs: 5_000,
        ratePerSecond: 100,
      }),
      support(options.support ?? {}),
      ...(options.plugins ?? []),
    ],
  });
  await engine.start();

  let n = 0;
  /** Sends `text` as `sender` (default: a private chat with that sender) and returns the texts sent back. */
  async function say(text: string, from: { sender?: string; chat?: string; group?: boolean } = {}): Promise<string[]> {
    const sender = from.sender ?? 'customer-1';
    const chatId = from.chat ?? (from.group ? 'group-1' : sender);
    const before = channel.sent.length;
    const message: InboundMessage = {
      id: `m${++n}`,
      tenantId: 'default',
      channel: 'wa',
      chat: { id: chatId, kind: from.group ? 'group' : 'private', title: from.group ? 'Customers group' : undefined },
      sender: { id: sender },
      text,
      sentAt: clock.now(),
    };
    await engine.handle(message);
    return channel.sent.slice(before).map((m) => m.text);
  }

  /** The latest verification code the sim's panel ticket carries for `username`. */
  function lastCode(username: string): string | undefined {
    const tickets = sim.state.ticketsFor(username);
    for (const t of [...tickets].reverse()) {
      for (const m of [...(t.messages ?? [])].reverse()) {
        const code = /\b(\d{6})\b/.exec(String((m as { message?: string }).message ?? ''))?.[1];
        if (code) return code;
      }
    }
    return undefined;
  }

  return {
    engine,
    channel,
    sim,
    clock,
    logs,
    say,
    lastCode,
    async stop() {
      await engine.stop();
      await sim.stop();
    },
  };
}

const staff = (address: string, role: Exclude<Role, 'customer'>) => ({
  tenant: 'default',
  channel: 'wa',
  address,
  role,
});
/** An owner, a staff admin and a staff member on channel `wa` of tenant `default`. */
export const ADMINS = [staff('owner-1', 'owner'), staff('sadmin-1', 'staff_admin'), staff('staff-1', 'staff')];
/** The sender address of each role (customers are everyone else). */
export const SENDERS: Record<Role, string> = {
  customer: 'customer-1',
  staff: 'staff-1',
  staff_admin: 'sadmin-1',
  owner: 'owner-1',
};

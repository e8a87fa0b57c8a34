import { createEngine, type InboundMessage, silentLogger, VirtualClock } from '@smmbot/core';
import { perfectPanel } from '@smmbot/panel-perfectpanel';
import { createPanelSim, type PanelSim } from '@smmbot/panel-sim';
import { memoryStorage } from '@smmbot/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { support, TicketAiToken, ticketChannelName } from '../src/index.js';

const SUBJECT = 'Orders Support- AI';
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/**
 * The host's shape: the panel is the tenant's own plugin (`tenants[].panel` in the config), bound in
 * that tenant's container, while support serves every tenant from the root one.
 */
async function hostLikeEngine() {
  const clock = new VirtualClock(Date.UTC(2026, 10, 1, 12, 0, 0));
  const sim: PanelSim = createPanelSim({ clock, seed: 1 });
  await sim.start();
  const panel = perfectPanel({ url: sim.url, adminKey: sim.adminKey, ratePerSecond: 100 }).map((p) => ({
    ...p,
    name: `${p.name}@acme`,
    tenant: 'acme',
  }));
  const engine = createEngine({
    clock,
    logger: silentLogger(),
    tenants: ['acme'],
    botConfig: () => ({ ticket_ai_enabled: true, ticket_signature: 'Acme Support' }),
    plugins: [memoryStorage(), panel, support({})],
  });
  await engine.start();
  stops.push(async () => {
    await engine.stop();
    await sim.stop();
  });
  const staffReplies = (id: number) =>
    (sim.state.tickets.find((t) => t.id === id)?.messages ?? []).filter((m) => m.sender === 'staff');
  return { engine, sim, tickets: engine.container.resolve(TicketAiToken), staffReplies };
}

describe('Ticket AI in the host', () => {
  it("polls the tenant's own panel (registered for that tenant only)", async () => {
    const { sim, tickets, staffReplies } = await hostLikeEngine();
    const ticket = sim.state.addTicket({ username: 'demo', subject: SUBJECT, message: 'speedup my order 1003' });
    const result = await tickets.poll('acme');
    expect(result.outcomes[String(ticket.id)]).toBe('replied_command');
    expect(staffReplies(ticket.id)).toHaveLength(1);
  });

  it('a worker that died after the command ran and before posting: the next poll posts its reply, the command does not run again', async () => {
    const { engine, sim, tickets, staffReplies } = await hostLikeEngine();
    const ticket = sim.state.addTicket({ username: 'demo', subject: SUBJECT, message: 'speedup my order 1003' });
    // A first ticket links the panel user to the ticket channel, as any earlier poll would have.
    await tickets.poll('acme');
    expect(staffReplies(ticket.id)).toHaveLength(1);
    const again = sim.state.addTicket({ username: 'demo', subject: SUBJECT, message: 'speedup my order 1005' });
    // The dead worker's part: the command turn ran to the end (its claim says done), nothing was posted.
    const before = sim.requests.count('POST /adminapi/v2/orders/resend');
    const turn: InboundMessage = {
      id: `ticket:${again.id}:0`,
      tenantId: 'acme',
      channel: ticketChannelName('acme'),
      chat: { id: `ticket-${again.id}`, kind: 'private' },
      sender: { id: 'panel:demo', displayName: 'demo' },
      text: 'speedup my order 1005',
      sentAt: engine.clock.now(),
    };
    const ran = await engine.handle(turn);
    expect(ran.status).toBe('answered');
    const resends = sim.requests.count('POST /adminapi/v2/orders/resend');
    expect(resends).toBe(before + 1);
    const result = await tickets.poll('acme');
    expect(result.outcomes[String(again.id)]).toBe('replied_command');
    const replies = staffReplies(again.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.message).toBe(`${ran.replies[0]!.text}\n\nAcme Support`);
    // Acting twice is what the claim prevents: the speed-up was requested once, by the dead worker.
    expect(sim.requests.count('POST /adminapi/v2/orders/resend')).toBe(resends);
  });
});

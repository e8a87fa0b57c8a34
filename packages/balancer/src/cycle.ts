import { ChannelError, type ChannelErrorKind } from '@smmbot/core';
import { laneRules } from './dispatcher.js';
import type { Entry } from './lanes.js';
import { phoneDown } from './phone-events.js';
import type { Phone } from './phones.js';
import { between, typingMs } from './policy.js';
import type { TenantBalancer } from './tenant.js';

const DAY = 86_400_000;

/**
 * One send: random delay and typing on the phone (human pacing), then the platform call under
 * the tenant's in-flight gate. Every state change is stored first: `sending` before the call,
 * `sent` after it. A crash between the platform accepting a message and `sent` being stored is
 * the only way a message goes out twice, and then it carries the same id.
 */
export async function runCycle(t: TenantBalancer, e: Entry, phone: Phone | undefined, prevSent: number | undefined) {
  const { clock, queue, tenant, random, logger } = t.deps;
  const releaseRecipient = () => {
    if (t.lastSentTo.get(e.recipient) !== Number.POSITIVE_INFINITY) return;
    if (prevSent === undefined) t.lastSentTo.delete(e.recipient);
    else t.lastSentTo.set(e.recipient, prevSent);
  };
  const job = await queue.get(tenant, e.id);
  if (!job || job.state === 'sent' || job.state === 'failed') return releaseRecipient();
  const rules = phone?.rules ?? t.rules;
  const lr = laneRules(e.lane, rules);
  if (phone) {
    const [min, max] =
      e.lane === 0 ? [rules.replies.delayMinMs, rules.replies.delayMaxMs] : [rules.delayMinMs, rules.delayMaxMs];
    await Promise.race([clock.sleep(between(min, max, random())), t.stopping]);
    const typing = typingMs(e.textLength, rules.typing, random());
    phone.channel.typing?.(job.message.chatId, typing).catch(() => undefined);
    await Promise.race([clock.sleep(typing), t.stopping]);
    const now = clock.now();
    // Things change during the pause: the phone may have dropped, the window may have closed.
    if (phone.state !== 'connected' || t.stopped || (lr.hours && t.window && !t.window.isOpen(now))) {
      releaseRecipient();
      e.notBefore = lr.hours && t.window && !t.window.isOpen(now) ? t.window.nextOpen(now) : now;
      t.requeue(e, true);
      return;
    }
    // A reply, exempt from the recipient cooldown, may have reached this chat during the pause.
    const last = t.lastDoneTo.get(e.recipient);
    const gap = t.rules.recipientCooldownMs;
    if (laneRules(e.lane, t.rules).recipient && gap > 0 && last !== undefined && last + gap > now) {
      e.notBefore = last + gap;
      t.requeue(e, true);
      return;
    }
  }
  const channel = phone?.channel ?? t.deps.channels.get(job.message.channel);
  if (!channel) {
    releaseRecipient();
    await t.persist(e.id, { state: 'failed', error: `no channel named "${job.message.channel}"` });
    return;
  }
  try {
    const receipt = await t.gate.add(async () => {
      // Stopped while waiting for the gate (shutdown, or the lease was lost): no new platform call.
      // The job stays stored as it was, for the next start or the next leader.
      if (t.stopped) return undefined;
      await queue.update(tenant, e.id, {
        state: 'sending',
        phone: channel.name,
        attempts: job.attempts + 1,
        updatedAt: clock.now(),
      });
      if (t.stopped) return undefined;
      const r = await channel.send({ ...job.message, channel: channel.name });
      const sentAt = clock.now();
      await queue.update(tenant, e.id, { state: 'sent', sentAt, platformId: r.platformId, updatedAt: sentAt });
      return { ...r, sentAt };
    });
    if (!receipt) return;
    const sentAt = receipt.sentAt;
    t.lastSentTo.set(e.recipient, sentAt);
    t.lastDoneTo.set(e.recipient, sentAt);
    t.recent.remember(receipt.platformId, e.id);
    if (phone) {
      const streak = phone.stats.consecutiveFails > 0;
      phone.recordSent(sentAt);
      await t.savePhone(phone);
      await t.deps.alerts.afterSuccess(tenant, phone, streak);
    }
    if (lr.company) await t.countCompanySend(sentAt, e.id);
    t.deps.onSent?.({ ...job, phone: channel.name }, receipt.platformId, sentAt);
  } catch (err) {
    releaseRecipient();
    await onFailure(t, e, phone, err);
    logger.warn({ err, tenant, channel: channel.name, msgId: e.id, attempts: e.attempts }, 'send failed');
  }
}

/** What a failed send means for the phone, the job and the alerts (by the channel's error kind). */
async function onFailure(t: TenantBalancer, e: Entry, phone: Phone | undefined, err: unknown): Promise<void> {
  const { clock, tenant, options, alerts } = t.deps;
  const now = clock.now();
  const kind: ChannelErrorKind = err instanceof ChannelError ? err.kind : 'rejected';
  const retryAfter = err instanceof ChannelError ? err.retryAfterMs : undefined;
  const error = err instanceof Error ? err.message.slice(0, 300) : String(err).slice(0, 300);
  e.attempts++;
  // A dropped connection is the phone's state, not this message's fault: not counted as a failure.
  const counts = kind !== 'unavailable';
  if (phone && counts) phone.recordFailure();
  let retry = kind !== 'rejected' && e.attempts < options.maxAttempts;
  if (phone) {
    if (kind === 'rate_limited') phone.cooldownUntil = now + (retryAfter ?? 60_000);
    if (kind === 'timelock') {
      phone.timelockUntil = now + (retryAfter ?? DAY);
      await alerts.raise(
        tenant,
        'timelock',
        'warning',
        phone.name,
        `${phone.name} may not message new contacts for now`,
      );
    }
    if (kind === 'banned' || kind === 'unauthorized') {
      const was = phone.state;
      phone.state = kind === 'banned' ? 'banned' : 'logged_out';
      if (was !== phone.state) await phoneDown(t, phone, error);
      // A reply must come from the number the customer wrote to; pool traffic moves on.
      if (e.sticky) retry = false;
    }
    if (kind === 'unavailable' && phone.channel.link) phone.state = phone.channel.link().state;
    if (counts) {
      await t.savePhone(phone);
      await alerts.afterFailure(tenant, phone);
    }
  }
  if (!retry) {
    await t.persist(e.id, { state: 'failed', error, attempts: e.attempts });
    return;
  }
  // Detached or reconnecting: the spec pauses 3 s and requeues at the front; the pause is the
  // phone's (other phones go on), and grows on repeats. Without a phone the job itself waits.
  const pause = Math.min(60_000, 3_000 * e.attempts);
  if (kind === 'unavailable' && phone) phone.cooldownUntil = Math.max(phone.cooldownUntil, now + pause);
  e.notBefore = kind === 'unavailable' && !phone ? now + pause : now;
  await t.persist(e.id, { state: 'queued', error, attempts: e.attempts, notBefore: e.notBefore });
  t.requeue(e, true);
}

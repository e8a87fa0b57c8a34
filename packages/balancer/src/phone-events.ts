import type { DeliveryEvent, LinkStatus } from '@smmbot/core';
import type { Phone } from './phones.js';
import type { TenantBalancer } from './tenant.js';

/** What the platform tells about a phone after the fact: its link changed, or a message it accepted failed. */

/** Platform ids of recent sends → job ids (the last 10,000), so a late failure (a NACK) finds its job. */
export class RecentSends {
  private readonly jobs = new Map<string, string>();

  remember(platformId: string | undefined, jobId: string): void {
    if (!platformId) return;
    this.jobs.set(platformId, jobId);
    if (this.jobs.size > 10_000) this.jobs.delete(this.jobs.keys().next().value!);
  }

  jobOf(platformId: string): string | undefined {
    return this.jobs.get(platformId);
  }
}

/** A phone connected, dropped, or was banned/logged out: alerts, rerouting, and a new pass. */
export async function onLink(t: TenantBalancer, phone: Phone, status: LinkStatus): Promise<void> {
  const was = phone.state;
  phone.state = status.state;
  const { tenant, alerts } = t.deps;
  if ((status.state === 'banned' || status.state === 'logged_out') && was !== status.state) {
    await phoneDown(t, phone, status.reason ?? status.state);
  } else if (status.state === 'connected' && (was === 'banned' || was === 'logged_out')) {
    await alerts.phoneRecovered(tenant, phone.name);
  }
  t.pump();
}

/** A message the platform accepted failed later: it counts against the phone; 463 locks new contacts. */
export async function onDelivery(t: TenantBalancer, phone: Phone, event: DeliveryEvent): Promise<void> {
  if (event.status !== 'failed') return;
  const { tenant, alerts, clock } = t.deps;
  phone.recordFailure();
  if (event.code === 463) {
    phone.timelockUntil = event.until ?? clock.now() + 86_400_000;
    await alerts.raise(
      tenant,
      'timelock',
      'warning',
      phone.name,
      `${phone.name} may not message new contacts for now (463)`,
    );
  }
  const jobId = t.recent.jobOf(event.platformId);
  if (jobId)
    await t.persist(jobId, {
      state: 'failed',
      error: `platform reported failure${event.code ? ` ${event.code}` : ''}`,
    });
  await t.savePhone(phone);
  await alerts.afterFailure(tenant, phone);
  t.pump();
}

/** Immediate critical alert, then which phone takes over (or that none can). */
export async function phoneDown(t: TenantBalancer, phone: Phone, reason: string): Promise<void> {
  const { tenant, alerts, clock } = t.deps;
  const type = phone.state === 'banned' ? 'banned' : 'logged_out';
  await alerts.raise(tenant, type, 'critical', phone.name, `${phone.name} ${type.replace('_', ' ')}: ${reason}`);
  const now = clock.now();
  const successor = t.phoneList
    .filter((p) => p !== phone && p.alive && p.state === 'connected')
    .sort((a, b) => a.score(now) - b.score(now))[0];
  if (successor) {
    await alerts.raise(
      tenant,
      'switched_to',
      'info',
      phone.name,
      `traffic from ${phone.name} now goes to ${successor.name}`,
    );
  } else {
    await alerts.raise(
      tenant,
      'no_phone',
      'critical',
      phone.name,
      `${phone.name} is down and no other phone is available`,
    );
  }
}

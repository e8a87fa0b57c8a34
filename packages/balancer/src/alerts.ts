import type { Clock, Collection, Logger, RecordStore, TenantId } from '@smmbot/core';
import type { AlertRules } from './config.js';
import type { Phone } from './phones.js';
import type { Alert, AlertSeverity, AlertType } from './types.js';

const ALERTS = { name: 'balancer_alerts', indexes: ['status', 'createdAt', ['phone', 'type']] };

/**
 * "Maybe banned" detection and the alert log. Alerts are stored with the tenant, a severity and a
 * status; the conditions are the spec's: 5 failures in a row, a failure rate of 30 % or more after
 * 20 sends (again every 10 new failures), and a banned or logged-out disconnect at once.
 */
export class AlertLog {
  private readonly alerts: Collection<Alert>;

  constructor(
    store: RecordStore,
    private readonly rules: AlertRules,
    private readonly deps: { clock: Clock; logger: Logger },
  ) {
    this.alerts = store.collection<Alert>(ALERTS);
  }

  async raise(
    tenant: TenantId,
    type: AlertType,
    severity: AlertSeverity,
    phone: string,
    details: string,
  ): Promise<Alert> {
    const alert = await this.alerts.insert(tenant, {
      type,
      severity,
      status: 'active',
      phone,
      details,
      createdAt: this.deps.clock.now(),
    });
    const log = severity === 'critical' ? 'error' : severity === 'warning' ? 'warn' : 'info';
    this.deps.logger[log]({ tenant, channel: phone, alert: type, severity }, `balancer alert: ${details}`);
    return alert;
  }

  /** Checks the failure conditions after a failed send (stats already updated). */
  async afterFailure(tenant: TenantId, phone: Phone): Promise<void> {
    const s = phone.stats;
    if (s.consecutiveFails === this.rules.consecutiveFailures) {
      await this.raise(
        tenant,
        'consecutive_failures',
        'warning',
        phone.name,
        `${s.consecutiveFails} sends in a row failed on ${phone.name}: it may be rate-limited or banned`,
      );
    }
    const sends = s.totalSent + s.totalFailed;
    const due = s.alertedAtFailures === 0 || s.totalFailed >= s.alertedAtFailures + this.rules.realertEvery;
    if (sends >= this.rules.minSends && phone.failRate() >= this.rules.failureRate && due) {
      s.alertedAtFailures = s.totalFailed;
      await this.raise(
        tenant,
        'failure_rate',
        'warning',
        phone.name,
        `${Math.round(phone.failRate() * 100)}% of ${sends} sends failed on ${phone.name}`,
      );
    }
  }

  /** A success ends a failure streak: its alert is resolved. */
  async afterSuccess(tenant: TenantId, phone: Phone, hadStreak: boolean): Promise<void> {
    if (hadStreak) await this.resolveWhere(tenant, phone.name, 'consecutive_failures');
  }

  /** The phone is back: its ban/logout alerts are resolved. */
  async phoneRecovered(tenant: TenantId, phone: string): Promise<void> {
    await this.resolveWhere(tenant, phone, 'banned');
    await this.resolveWhere(tenant, phone, 'logged_out');
  }

  async list(tenant: TenantId, query: { status?: 'active' | 'resolved' } = {}): Promise<Alert[]> {
    const where = query.status ? { status: query.status } : {};
    const page = await this.alerts.find(tenant, {
      where,
      sort: [{ field: 'createdAt', direction: 'desc' }],
      limit: 500,
    });
    return page.items;
  }

  async resolve(tenant: TenantId, id: string): Promise<boolean> {
    const alert = await this.alerts.get(tenant, id);
    if (!alert || alert.status === 'resolved') return false;
    await this.alerts.update(tenant, id, { status: 'resolved', resolvedAt: this.deps.clock.now() });
    return true;
  }

  private async resolveWhere(tenant: TenantId, phone: string, type: AlertType): Promise<void> {
    const { items } = await this.alerts.find(tenant, { where: { phone, type, status: 'active' } });
    for (const a of items) await this.resolve(tenant, a.id);
  }
}

import { randomBytes } from 'node:crypto';
import {
  type Clock,
  type Collection,
  type KeyValueStore,
  type RecordStore,
  SYSTEM_TENANT,
  type TenantId,
} from '@smmbot/core';
import { notFound } from './errors.js';
import type { Invoice, InvoiceIndex, InvoiceStatus } from './types.js';

export const INVOICES = 'billing_invoices';
export const INVOICE_INDEX = 'billing_invoice_index';

export type NewInvoice = Pick<Invoice, 'plan_id' | 'amount' | 'currency' | 'provider'> &
  Partial<Pick<Invoice, 'status' | 'external_id' | 'hosted_url' | 'period_end' | 'paid_at' | 'number'>> & {
    id?: string;
  };

/**
 * A workspace's invoices, under its own tenant; every change is mirrored to the master's index
 * under SYSTEM_TENANT (pending payment references, the invoice list across workspaces). A
 * workspace only ever reads its own tenant's collection: another workspace's invoice id is simply
 * not there.
 */
export class InvoiceBook {
  private readonly invoices: Collection<Invoice>;
  readonly index: Collection<InvoiceIndex>;

  constructor(
    store: RecordStore,
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
    private readonly prefix: string,
  ) {
    this.invoices = store.collection<Invoice>({ name: INVOICES, indexes: ['status', 'created_at'] });
    this.index = store.collection<InvoiceIndex>({
      name: INVOICE_INDEX,
      indexes: ['workspace', 'status', 'reference', ['status', 'reference_submitted_at'], 'created_at'],
    });
  }

  async create(tenant: TenantId, input: NewInvoice): Promise<Invoice> {
    const now = this.clock.now();
    const number =
      input.number ??
      `${this.prefix}-${String(await this.kv.increment(tenant, 'billing:invoice-seq')).padStart(6, '0')}`;
    const { id, ...fields } = input;
    const invoice: Invoice = {
      tenantId: tenant,
      status: 'open',
      ...fields,
      id: id ?? `inv_${randomBytes(10).toString('hex')}`,
      number,
      created_at: now,
      updated_at: now,
    };
    return this.write(invoice);
  }

  /** Creates or replaces an invoice a provider reported (idempotent on its id). */
  async upsert(tenant: TenantId, id: string, input: NewInvoice): Promise<Invoice> {
    const current = await this.get(tenant, id);
    if (!current) return this.create(tenant, { ...input, id });
    return this.write({ ...current, ...input, id, tenantId: tenant, updated_at: this.clock.now() });
  }

  get(tenant: TenantId, id: string): Promise<Invoice | undefined> {
    return this.invoices.get(tenant, id);
  }

  async require(tenant: TenantId, id: string): Promise<Invoice> {
    const invoice = await this.get(tenant, id);
    if (!invoice) throw notFound(`invoice "${id}"`);
    return invoice;
  }

  async list(tenant: TenantId, query: { status?: InvoiceStatus; limit?: number; offset?: number } = {}) {
    return this.invoices.find(tenant, {
      where: query.status ? { status: query.status } : {},
      sort: [{ field: 'created_at', direction: 'desc' }],
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    });
  }

  /** An invoice for `plan` that still waits for payment, if there is one (checkout reuses it). */
  async unpaidFor(tenant: TenantId, planId: string): Promise<Invoice | undefined> {
    const page = await this.invoices.find(tenant, {
      where: { plan_id: planId, status: { in: ['open', 'pending_review'] } },
      sort: [{ field: 'created_at', direction: 'desc' }],
      limit: 1,
    });
    return page.items[0];
  }

  async patch(tenant: TenantId, id: string, patch: Partial<Omit<Invoice, 'id' | 'tenantId'>>): Promise<Invoice> {
    const current = await this.require(tenant, id);
    return this.write({ ...current, ...patch, updated_at: this.clock.now() });
  }

  /** The master's view: across workspaces, newest first. */
  async listAll(query: { status?: InvoiceStatus; workspace?: string; limit?: number; offset?: number } = {}) {
    return this.index.find(SYSTEM_TENANT, {
      where: {
        ...(query.status ? { status: query.status } : {}),
        ...(query.workspace ? { workspace: query.workspace } : {}),
      },
      sort: [{ field: 'created_at', direction: 'desc' }],
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    });
  }

  /** Which workspace an invoice belongs to (master actions), from the index. */
  async locate(id: string): Promise<InvoiceIndex | undefined> {
    return this.index.get(SYSTEM_TENANT, id);
  }

  private async write(invoice: Invoice): Promise<Invoice> {
    const { id, tenantId, ...fields } = invoice;
    const saved = await this.invoices.upsert(tenantId, { id, ...fields });
    await this.index.upsert(SYSTEM_TENANT, {
      id,
      workspace: tenantId,
      number: invoice.number,
      plan_id: invoice.plan_id,
      amount: invoice.amount,
      currency: invoice.currency,
      status: invoice.status,
      provider: invoice.provider,
      reference: invoice.reference,
      reference_submitted_at: invoice.reference_submitted_at,
      created_at: invoice.created_at,
      updated_at: invoice.updated_at,
    });
    return saved;
  }
}

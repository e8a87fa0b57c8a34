import type { TenantId } from './storage.js';

/**
 * The panel interface: what a support bot needs from an SMM panel. The Panels issue grows this
 * into the full capability set; the foundation needs order lookups only.
 */
export type OrderStatus =
  | 'pending'
  | 'processing'
  | 'in_progress'
  | 'completed'
  | 'partial'
  | 'canceled'
  | 'refunded'
  | 'failed'
  | 'unknown';

export interface PanelOrder {
  id: string;
  status: OrderStatus;
  serviceId?: string;
  serviceName?: string;
  link?: string;
  quantity?: number;
  startCount?: number;
  remains?: number;
  charge?: number;
  currency?: string;
  username?: string;
  createdAt?: Date;
  /** The upstream provider's order id. */
  externalId?: string;
  provider?: string;
  raw?: unknown;
}

export interface PanelClient {
  readonly name: string;
  /** Looks up orders by id (batched by the adapter); ids not found are simply absent. */
  getOrders(tenant: TenantId, ids: string[]): Promise<PanelOrder[]>;
}

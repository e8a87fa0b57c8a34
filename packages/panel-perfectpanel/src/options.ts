import type { Clock, Logger, PanelCapability } from '@smmbot/core';

/**
 * Admin API paths, relative to `<url>/adminapi/v2` (except `classicApi`, relative to `<url>`).
 * `{id}` is replaced by the order or ticket id. Tags are the research confidence: [C] confirmed by
 * several clients, [I] inferred from one or two, [G] a guess — override these per panel if needed.
 */
export interface PerfectPanelPaths {
  /** [C] `GET`: list/search orders; also the batch look-up with `?ids=` [G]. */
  orders: string;
  /** [C] `GET`: one order. */
  order: string;
  /** [C] `GET ?username=`: find a user. */
  users: string;
  /** [G] `POST {ids}`: refill orders. */
  refill: string;
  /** [I] `POST {ids}`: cancel and refund. */
  cancel: string;
  /** [G] `POST {ids}`: re-send to the provider (speed-up). */
  resend: string;
  /** [I] `POST {remains}`: mark one order partial. */
  setPartial: string;
  /** [I] `POST {ids, status}`: set a status (used to mark completed). */
  changeStatus: string;
  /** [I] `GET`: list tickets. */
  tickets: string;
  /** [G] `GET`: one ticket with its messages. */
  ticket: string;
  /** [G] `POST {message, staff_name}`: staff reply. */
  ticketReply: string;
  /** [G] `POST {username, subject, message}`: open a ticket for a user. */
  ticketAdd: string;
  /** [C] The classic user API (`key` + `action`), relative to `<url>`: services and balance. */
  classicApi: string;
}

/** Names of request fields for the endpoints whose shapes are not settled ([I]/[G]). */
export interface PerfectPanelBodies {
  /** Query parameter of the batch look-up on `orders` [G]. */
  lookupIds: string;
  /** Query parameter filtering `orders` by username [I]. */
  userFilter: string;
  refillIds: string;
  /** `ids` or `order_ids`: both were seen [I]. */
  cancelIds: string;
  /** Sent with the `reason` of a cancel, when there is one. */
  cancelReason: string;
  resendIds: string;
  partialRemains: string;
  changeStatusIds: string;
  changeStatusField: string;
  /** The status value that means completed. */
  completedValue: string;
  ticketSubjectFilter: string;
  ticketStatusFilter: string;
  ticketMessage: string;
  ticketStaffName: string;
  ticketUsername: string;
  ticketSubject: string;
  /** How id lists go in POST bodies: a JSON array of numbers (default) or a comma string. */
  idsFormat: 'array' | 'csv';
}

export const DEFAULT_PATHS: PerfectPanelPaths = {
  orders: '/orders',
  order: '/orders/{id}',
  users: '/users',
  refill: '/orders/refill',
  cancel: '/orders/cancel',
  resend: '/orders/resend',
  setPartial: '/orders/{id}/set-partial',
  changeStatus: '/orders/change-status',
  tickets: '/tickets',
  ticket: '/tickets/{id}',
  ticketReply: '/tickets/{id}/reply',
  ticketAdd: '/tickets/add',
  classicApi: '/api/v2',
};

export const DEFAULT_BODIES: PerfectPanelBodies = {
  lookupIds: 'ids',
  userFilter: 'user',
  refillIds: 'ids',
  cancelIds: 'ids',
  cancelReason: 'cancel_reason',
  resendIds: 'ids',
  partialRemains: 'remains',
  changeStatusIds: 'ids',
  changeStatusField: 'status',
  completedValue: 'completed',
  ticketSubjectFilter: 'subject',
  ticketStatusFilter: 'status',
  ticketMessage: 'message',
  ticketStaffName: 'staff_name',
  ticketUsername: 'username',
  ticketSubject: 'subject',
  idsFormat: 'array',
};

/** Which endpoints are guesses ([G]) or inferred ([I]); the README and the probe report use it. */
export const CONFIDENCE: Record<keyof PerfectPanelPaths, 'C' | 'I' | 'G'> = {
  orders: 'C',
  order: 'C',
  users: 'C',
  refill: 'G',
  cancel: 'I',
  resend: 'G',
  setPartial: 'I',
  changeStatus: 'I',
  tickets: 'I',
  ticket: 'G',
  ticketReply: 'G',
  ticketAdd: 'G',
  classicApi: 'C',
};

export interface PerfectPanelOptions {
  /** The panel's address, e.g. `https://mypanel.com` (the `/adminapi/v2` suffix is added). */
  url: string;
  /** The admin API key (`X-Api-Key`); never logged. */
  adminKey: string;
  /** Name in logs and errors; default: the URL's host. */
  name?: string;
  timeoutMs?: number;
  concurrency?: number;
  /** Default 3. */
  ratePerSecond?: number;
  retries?: number;
  /** Order ids per batch look-up, default 100. */
  batchSize?: number;
  /** A user API key: enables `services` and `balance` through the classic `/api/v2`. */
  servicesApiKey?: string;
  paths?: Partial<PerfectPanelPaths>;
  bodies?: Partial<PerfectPanelBodies>;
  /** Capabilities to leave undeclared (e.g. after `smmbot doctor` found them unsupported). */
  disable?: PanelCapability[];
  clock?: Clock;
  logger?: Logger;
  fetch?: typeof fetch;
  /** First retry back-off of reads, ms (tests shorten it). */
  backoffMs?: number;
}

export interface ProbeResult {
  capability: PanelCapability | 'connection';
  status: 'ok' | 'unsupported' | 'unverified';
  detail: string;
}

import type { DeliveryEvent } from '@smmbot/core';
import { TIMELOCK_CODE } from './link.js';

/**
 * `proto.WebMessageInfo.Status` (Baileys exports it as `WAMessageStatus`); copied so this module
 * does not load Baileys. A test checks the values against Baileys' own enum.
 */
export const WA_STATUS = { ERROR: 0, PENDING: 1, SERVER_ACK: 2, DELIVERY_ACK: 3, READ: 4, PLAYED: 5 } as const;

/** One entry of Baileys' `messages.update` event: `{ key, update }` (a `WAMessageUpdate`). */
export interface MessageUpdateLike {
  key?: { id?: string | null; fromMe?: boolean | null; remoteJid?: string | null } | null;
  update?: { status?: number | null; messageStubParameters?: (string | null | undefined)[] | null } | null;
}

/** The NACK code Baileys puts first in `messageStubParameters` (`['463', 'Your account has been restricted']`). */
function nackCode(params: readonly (string | null | undefined)[] | null | undefined): number | undefined {
  const first = params?.[0];
  if (typeof first !== 'string' || !/^\d{1,6}$/.test(first.trim())) return undefined;
  return Number(first.trim());
}

/**
 * What `messages.update` says about a message we sent (`key.fromMe`), or undefined when it says
 * nothing the balancer needs. Status ERROR is a server NACK (Baileys' `handleBadAck`): failed, with
 * the code from `messageStubParameters` (463 = reach-out timelock: `until` is the timelock's end when
 * known; 479 = smax-invalid; others). DELIVERY_ACK → delivered; READ and PLAYED → read. PENDING and
 * SERVER_ACK (our own send being accepted) and updates of messages others sent are ignored.
 */
export function toDeliveryEvent(entry: MessageUpdateLike, timelockUntil?: number): DeliveryEvent | undefined {
  const id = entry.key?.id;
  if (!id || entry.key?.fromMe !== true) return undefined;
  const status = entry.update?.status;
  if (status === WA_STATUS.ERROR) {
    const code = nackCode(entry.update?.messageStubParameters);
    return {
      platformId: id,
      status: 'failed',
      ...(code !== undefined ? { code } : {}),
      ...(code === TIMELOCK_CODE && timelockUntil !== undefined ? { until: timelockUntil } : {}),
    };
  }
  if (status === WA_STATUS.DELIVERY_ACK) return { platformId: id, status: 'delivered' };
  if (status === WA_STATUS.READ || status === WA_STATUS.PLAYED) return { platformId: id, status: 'read' };
  return undefined;
}

import type { DeliveryEvent, LinkStatus } from '@smmbot/core';
import type { GreenOutgoingStatus } from './payload.js';

/**
 * Green API's instance state (`stateInstanceChanged`, `getStateInstance`) → LinkStatus.
 * `authorized` → connected; `yellowCard` → connected, with the warning as reason (sending is
 * suspended for spam, messages wait in Green API's queue); `notAuthorized` → logged_out; `blocked`
 * → banned; `starting` → connecting; `sleepMode` (the phone is off) → disconnected. Green API gives
 * no numeric codes, so `code` stays unset; the state name starts the reason.
 */
export function linkOfState(state: string): LinkStatus {
  switch (state) {
    case 'authorized':
      return { state: 'connected' };
    case 'yellowCard':
      return {
        state: 'connected',
        reason:
          'yellowCard: sending is partly or fully suspended for spam; messages wait 24 h in the queue; reboot the instance',
      };
    case 'notAuthorized':
      return { state: 'logged_out', reason: 'notAuthorized: link the phone to the instance again' };
    case 'blocked':
      return { state: 'banned', reason: 'blocked: the number is banned' };
    case 'starting':
      return { state: 'connecting', reason: 'starting: the instance is starting up (up to 5 minutes)' };
    case 'sleepMode':
      return { state: 'disconnected', reason: 'sleepMode: the phone is switched off or offline' };
    default:
      return { state: 'disconnected', reason: `unknown instance state "${state}"` };
  }
}

const FAILED = new Set(['failed', 'noAccount', 'notInGroup']);

/**
 * `outgoingMessageStatus` → DeliveryEvent: `delivered`; `read`; `failed`, `noAccount` (the number
 * has no WhatsApp) and `notInGroup` → failed. `sent` says nothing new; statuses of messages typed
 * on the phone (`sendByApi: false`) are not ours; `yellowCard` is an account state (see linkOfState).
 */
export function deliveryOfStatus(webhook: GreenOutgoingStatus): DeliveryEvent | undefined {
  if (webhook.sendByApi === false) return undefined;
  if (webhook.status === 'delivered') return { platformId: webhook.idMessage, status: 'delivered' };
  if (webhook.status === 'read') return { platformId: webhook.idMessage, status: 'read' };
  if (FAILED.has(webhook.status)) return { platformId: webhook.idMessage, status: 'failed' };
  return undefined;
}

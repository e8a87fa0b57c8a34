import type { SimErrorCode } from './data/ops.js';

/**
 * How each refusal is worded. `text` is the classic API's default (texts from research 2.4 where
 * seen, else guessed), `key` is the translation-key style of some PerfectPanel providers, `admin` is
 * the Admin API's snake_case `error_message` token.
 */
const WORDING: Record<SimErrorCode, { text: string; key: string; admin: string }> = {
  incorrect_request: { text: 'Incorrect request', key: 'error.incorrect_request', admin: 'incorrect_request' },
  invalid_key: { text: 'Invalid API key', key: 'error.invalid_api_key', admin: 'Invalid API key' },
  incorrect_order_id: { text: 'Incorrect order ID', key: 'error.incorrect_order_id', admin: 'order_not_found' },
  incorrect_service_id: {
    text: 'Incorrect service ID',
    key: 'neworder.error.incorrect_service_id',
    admin: 'service_not_found',
  },
  incorrect_link: { text: 'Incorrect link', key: 'neworder.error.link', admin: 'incorrect_link' },
  not_enough_funds: {
    text: 'Not enough funds on balance',
    key: 'neworder.error.not_enough_funds',
    admin: 'not_enough_funds',
  },
  link_duplicate: {
    text: 'You have active order with this link. Please wait until order being complete.',
    key: 'neworder.error.link_duplicate',
    admin: 'link_duplicate',
  },
  min_quantity: { text: 'Quantity less than minimal', key: 'neworder.error.min_quantity', admin: 'min_quantity' },
  max_quantity: { text: 'Quantity more than maximal', key: 'neworder.error.max_quantity', admin: 'max_quantity' },
  refill_not_eligible: {
    text: 'Order not eligible for refill.',
    key: 'error.refill_not_available',
    admin: 'refill_not_available',
  },
  refill_in_flight: {
    text: 'Refill request already exists for this order.',
    key: 'error.refill_already_requested',
    admin: 'refill_already_requested',
  },
  refill_not_found: { text: 'Refill not found', key: 'error.refill_not_found', admin: 'refill_not_found' },
  cancel_not_eligible: {
    text: 'Order not eligible for cancel.',
    key: 'error.cancel_not_available',
    admin: 'cancel_not_available',
  },
  resend_not_available: {
    text: 'Order can not be resent.',
    key: 'error.resend_not_available',
    admin: 'resend_not_available',
  },
  invalid_status: { text: 'Incorrect status', key: 'error.incorrect_status', admin: 'invalid_status' },
  invalid_remains: { text: 'Incorrect remains', key: 'error.incorrect_remains', admin: 'invalid_remains' },
};

export function classicErrorText(code: SimErrorCode, style: 'text' | 'translation-key'): string {
  const w = WORDING[code];
  return style === 'translation-key' ? w.key : w.text;
}

export function adminErrorToken(code: SimErrorCode): string {
  return WORDING[code].admin;
}

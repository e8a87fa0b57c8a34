/** Webhook bodies in the shapes Meta documents (research/channels.md §3). */
export const PHONE_NUMBER_ID = '106540352242922';
export const DISPLAY_PHONE = '15550783881';

function envelope(value: Record<string, unknown>, field = 'messages') {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field,
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: DISPLAY_PHONE, phone_number_id: PHONE_NUMBER_ID },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

export function textMessage(
  opts: { id?: string; from?: string; text?: string; userId?: string; groupId?: string } = {},
) {
  const from = opts.from ?? '16505551234';
  return envelope({
    contacts: [{ profile: { name: 'Kerry Fisher' }, wa_id: from, ...(opts.userId ? { user_id: opts.userId } : {}) }],
    messages: [
      {
        from,
        id: opts.id ?? 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUZBNjE2RTU3QkYzRjc4QTI1NgA=',
        timestamp: '1749416383',
        type: 'text',
        text: { body: opts.text ?? 'hello bot' },
        ...(opts.userId ? { user_id: opts.userId } : {}),
        ...(opts.groupId ? { group_id: opts.groupId } : {}),
      },
    ],
  });
}

/** A username user with no phone number: only the business-scoped user id (2026). */
export function noPhoneMessage(userId: string, id = 'wamid.NOPHONE1') {
  return envelope({
    contacts: [{ profile: { name: 'anon' }, user_id: userId }],
    messages: [{ user_id: userId, id, timestamp: '1749416390', type: 'text', text: { body: 'status 1001' } }],
  });
}

export function statusUpdate(status: 'sent' | 'delivered' | 'read' | 'failed' = 'delivered') {
  return envelope({
    statuses: [
      {
        id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA',
        status,
        timestamp: '1750263773',
        recipient_id: '16505551234',
        conversation: { id: 'CONVERSATION_ID', origin: { type: 'service' } },
        pricing: { billable: true, pricing_model: 'PMP', category: 'service' },
      },
    ],
  });
}

/** A message from our own business number (as echoed to coexistence apps). */
export function ownMessage() {
  return textMessage({ from: DISPLAY_PHONE, id: 'wamid.OWN1', text: 'Your order is completed.' });
}

export function imageMessage() {
  return envelope({
    contacts: [{ profile: { name: 'Kerry Fisher' }, wa_id: '16505551234' }],
    messages: [
      {
        from: '16505551234',
        id: 'wamid.IMG1',
        timestamp: '1749416383',
        type: 'image',
        image: { mime_type: 'image/jpeg', sha256: 'abc', id: 'MEDIA_ID' },
      },
    ],
  });
}

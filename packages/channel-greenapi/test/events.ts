/** Webhook bodies in the shapes Green API documents (research/channels.md §4). */
export const OWN_WID = '79876543210@c.us';
export const ID_INSTANCE = '1101000001';

const instanceData = { idInstance: Number(ID_INSTANCE), wid: OWN_WID, typeInstance: 'whatsapp' };

export function incomingText(
  opts: { chatId?: string; sender?: string; idMessage?: string; text?: string; extended?: boolean } = {},
) {
  const chatId = opts.chatId ?? '79001234567@c.us';
  const text = opts.text ?? 'hello bot';
  return {
    typeWebhook: 'incomingMessageReceived',
    instanceData,
    timestamp: 1588091580,
    idMessage: opts.idMessage ?? 'F7AEC1B7086ECDC7E6E45923F5EDB825',
    senderData: {
      chatId,
      sender: opts.sender ?? chatId,
      chatName: chatId.endsWith('@g.us') ? 'Support group' : 'Ivan',
      senderName: 'Ivan',
      senderContactName: 'Ivan Petrov',
    },
    messageData: opts.extended
      ? {
          typeMessage: 'extendedTextMessage',
          extendedTextMessageData: {
            text,
            description: '',
            title: '',
            previewType: 'None',
            jpegThumbnail: '',
            forwardingScore: 0,
            isForwarded: false,
          },
        }
      : { typeMessage: 'textMessage', textMessageData: { textMessage: text } },
  };
}

export function incomingImage() {
  return {
    ...incomingText({ idMessage: 'IMG1' }),
    messageData: {
      typeMessage: 'imageMessage',
      fileMessageData: { downloadUrl: 'https://example.invalid/x.jpg', caption: 'look', mimeType: 'image/jpeg' },
    },
  };
}

/** A message typed on the instance's own phone. */
export function outgoingFromPhone() {
  return {
    typeWebhook: 'outgoingMessageReceived',
    instanceData,
    timestamp: 1588091581,
    idMessage: 'OUT1',
    senderData: { chatId: '79001234567@c.us', sender: OWN_WID, chatName: 'Ivan', senderName: '' },
    messageData: { typeMessage: 'textMessage', textMessageData: { textMessage: 'sent from the phone' } },
  };
}

export function outgoingFromApi() {
  return { ...outgoingFromPhone(), typeWebhook: 'outgoingAPIMessageReceived', idMessage: 'OUT2' };
}

export function outgoingStatus(
  status = 'delivered',
  idMessage = 'BAE5F4886AFFA1',
  extra: Record<string, unknown> = {},
) {
  return {
    typeWebhook: 'outgoingMessageStatus',
    instanceData,
    timestamp: 1588091582,
    idMessage,
    status,
    chatId: '79001234567@c.us',
    sendByApi: true,
    ...extra,
  };
}

export function stateChanged(stateInstance = 'authorized') {
  return { typeWebhook: 'stateInstanceChanged', instanceData, timestamp: 1588091583, stateInstance };
}

export function incomingCall() {
  return {
    typeWebhook: 'incomingCall',
    instanceData,
    timestamp: 1588091584,
    from: '79001234567@c.us',
    status: 'offer',
    idMessage: 'CALL1',
  };
}

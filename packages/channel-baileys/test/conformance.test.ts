import { channelConformance } from '@smmbot/core/testing';
import { boom, upsert } from './fake-socket.js';
import { makeChannel } from './helpers.js';

const PRIVATE = '79001234567@s.whatsapp.net';
const GROUP = '120363043968066561@g.us';

channelConformance('baileys', async () => {
  const { channel, factory, received } = await makeChannel();
  await channel.start();
  factory.last().open();
  return {
    channel,
    async deliver(raw) {
      const before = received.length;
      factory.last().ev.emit('messages.upsert', raw);
      await channel.idle();
      return received.slice(before);
    },
    events: {
      privateText: upsert({ remoteJid: PRIVATE, id: 'PRIVATE1', text: 'hello bot' }),
      groupText: upsert({ remoteJid: GROUP, id: 'GROUP1', participant: PRIVATE, text: 'hello bot', extended: true }),
      ownMessage: upsert({ remoteJid: PRIVATE, id: 'OWN1', fromMe: true, text: 'hello customer' }),
      system: upsert({ remoteJid: 'status@broadcast', id: 'STATUS1', participant: PRIVATE, text: 'my status' }),
      edit: upsert({
        remoteJid: PRIVATE,
        id: 'EDIT1',
        message: {
          protocolMessage: {
            key: { remoteJid: PRIVATE, id: 'PRIVATE1', fromMe: false },
            type: 14,
            editedMessage: { conversation: 'hello bot (edited)' },
          },
        },
      }),
    },
    expect: { privateChatId: PRIVATE, groupChatId: GROUP, senderId: PRIVATE, text: 'hello bot' },
    sent: () => factory.sockets.flatMap((s) => s.sent),
    failNextSend(kind) {
      factory.last().nextFailure =
        kind === 'rate_limited'
          ? boom('rate-overlimit', 429)
          : kind === 'unauthorized'
            ? boom('Intentional Logout', 401)
            : boom('Connection Closed', 428);
    },
    cleanup: () => channel.stop(),
  };
});

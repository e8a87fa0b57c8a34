// The smallest smmbot: memory storage, the web chat channel and the built-in commands.
import { type WebchatChannel, webchat } from '@smmbot/channel-webchat';
import { basicCommands, createEngine } from '@smmbot/core';
import { memoryStorage } from '@smmbot/storage-memory';

const engine = createEngine({ plugins: [memoryStorage(), webchat(), basicCommands()] });
await engine.start();
const chat = engine.channels.get('webchat') as WebchatChannel;
for (const text of ['help', 'order 1001']) {
  const { replies } = await chat.ask({ chatId: 'demo', senderId: 'me', text });
  console.log(`you> ${text}\nbot> ${replies.map((r) => r.text).join('\n')}\n`);
}
await engine.stop();

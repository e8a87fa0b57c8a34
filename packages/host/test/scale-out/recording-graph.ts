import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphSend {
  to: string;
  text: string;
  /** The inbound wamid the reply answers (`context.message_id`). */
  replyTo?: string;
  at: number;
}

/**
 * The Graph API as the workers see it, in the test process: accepts every send with 200 and a
 * message id, and records who got what, so answers can be counted per recipient.
 */
export async function startRecordingGraph() {
  const sends: GraphSend[] = [];
  const perRecipient = new Map<string, number>();
  let lastSendAt = 0;
  let counter = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      let body: { to?: string; text?: { body?: string }; context?: { message_id?: string } } = {};
      try {
        body = JSON.parse(raw);
      } catch {
        res.writeHead(400).end();
        return;
      }
      const to = String(body.to ?? '');
      lastSendAt = Date.now();
      sends.push({ to, text: body.text?.body ?? '', replyTo: body.context?.message_id, at: lastSendAt });
      perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          contacts: [{ input: to, wa_id: to }],
          messages: [{ id: `wamid.out${++counter}` }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v21.0`,
    sends,
    perRecipient,
    get lastSendAt() {
      return lastSendAt;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type RecordingGraph = Awaited<ReturnType<typeof startRecordingGraph>>;

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface ScriptedResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A loopback stand-in for the Graph API: records every request, answers scripted failures first. */
export async function startFakeGraph() {
  const requests: RecordedRequest[] = [];
  const failures: ScriptedResponse[] = [];
  let counter = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      const failure = failures.shift();
      const reply = failure ?? {
        status: 200,
        body: {
          messaging_product: 'whatsapp',
          contacts: [{ input: (body as { to?: string })?.to, wa_id: (body as { to?: string })?.to }],
          messages: [{ id: `wamid.out${++counter}` }],
        },
      };
      if (!failure) requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v21.0`,
    /** Successful sends only. */
    requests,
    fail(response: ScriptedResponse) {
      failures.push(response);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

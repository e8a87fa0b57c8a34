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
  body: string;
  headers?: Record<string, string>;
}

/**
 * A loopback stand-in for Green API's REST host. `sendMessage` is recorded in `requests`;
 * `checkWhatsapp` in `checks` (numbers in `whatsapp` exist); `getStateInstance` in `stateRequests`
 * (answers `state`). Scripted failures are per method and answered first.
 */
export async function startFakeGreenApi() {
  const requests: RecordedRequest[] = [];
  const checks: RecordedRequest[] = [];
  const stateRequests: RecordedRequest[] = [];
  const failures: { method: string; response: ScriptedResponse }[] = [];
  const whatsapp = new Set<number>();
  const fake = { state: 'authorized', checkAnswer: undefined as unknown };
  let counter = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      const method = /^\/waInstance[^/]+\/([^/]+)\//.exec(req.url ?? '')?.[1] ?? '';
      const at = failures.findIndex((f) => f.method === method);
      if (at >= 0) {
        const { response } = failures.splice(at, 1)[0]!;
        res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
        res.end(response.body);
        return;
      }
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: raw ? JSON.parse(raw) : undefined,
      };
      let answer: unknown;
      if (method === 'getStateInstance') {
        stateRequests.push(recorded);
        answer = { stateInstance: fake.state };
      } else if (method === 'checkWhatsapp') {
        checks.push(recorded);
        answer = fake.checkAnswer ?? {
          existsWhatsapp: whatsapp.has((recorded.body as { phoneNumber: number }).phoneNumber),
        };
      } else {
        requests.push(recorded);
        answer = { idMessage: `BAE5F4886AFFA${++counter}` };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    requests,
    checks,
    stateRequests,
    whatsapp,
    fake,
    fail(response: ScriptedResponse, method = 'sendMessage') {
      failures.push({ method, response });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

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

/** A loopback stand-in for Green API's REST host: records sends, answers scripted failures first. */
export async function startFakeGreenApi() {
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
      const failure = failures.shift();
      if (failure) {
        res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
        res.end(failure.body);
        return;
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(raw) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ idMessage: `BAE5F4886AFFA${++counter}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    requests,
    fail(response: ScriptedResponse) {
      failures.push(response);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

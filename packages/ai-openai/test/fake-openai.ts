import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** One scripted answer of the fake server. */
export type Script =
  | { kind: 'text'; text: string; promptTokens?: number; completionTokens?: number; noUsage?: boolean }
  | { kind: 'status'; status: number; retryAfter?: number }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'empty-choices' }
  | { kind: 'null-content' };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    max_tokens?: number;
    temperature?: number;
  };
}

/**
 * A loopback OpenAI-compatible server: `POST /v1/chat/completions` answers from a script (one entry
 * per request, the last repeats), and every request is recorded as received.
 */
export class FakeOpenAi {
  readonly requests: RecordedRequest[] = [];
  private script: Script[] = [{ kind: 'text', text: 'Hello!' }];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        let body: RecordedRequest['body'] = {};
        try {
          body = JSON.parse(raw || '{}');
        } catch {}
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
          return;
        }
        const step = this.script.length > 1 ? this.script.shift()! : this.script[0]!;
        this.answer(step, body, res);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/v1`;
    return this;
  }

  /** The answers to the next requests, in order; the last one repeats. */
  respond(...steps: Script[]): this {
    this.script = steps;
    return this;
  }

  /** The prompts (messages) of every chat completion request, as received. */
  get prompts(): { role: string; content: string }[][] {
    return this.requests.filter((r) => r.url === '/v1/chat/completions').map((r) => r.body.messages ?? []);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((r) => this.server!.close(r));
  }

  private answer(step: Script, body: RecordedRequest['body'], res: import('node:http').ServerResponse): void {
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    const completion = (choices: unknown[], usage?: unknown) => ({
      id: `chatcmpl-${this.requests.length}`,
      object: 'chat.completion',
      created: 1_767_225_600,
      model: body.model ?? 'unknown',
      choices,
      ...(usage ? { usage } : {}),
    });
    switch (step.kind) {
      case 'text': {
        const p = step.promptTokens ?? 10;
        const c = step.completionTokens ?? 5;
        json(
          200,
          completion(
            [{ index: 0, message: { role: 'assistant', content: step.text }, finish_reason: 'stop' }],
            step.noUsage ? undefined : { prompt_tokens: p, completion_tokens: c, total_tokens: p + c },
          ),
        );
        return;
      }
      case 'status':
        json(
          step.status,
          { error: { message: `scripted ${step.status}`, type: 'server_error' } },
          step.retryAfter === undefined ? {} : { 'retry-after': String(step.retryAfter) },
        );
        return;
      case 'hang':
        return; // never answers; closed by stop()
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-x", "choices": [ {"message": ');
        return;
      case 'empty-choices':
        json(200, completion([], { prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 }));
        return;
      case 'null-content':
        json(200, completion([{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'stop' }]));
        return;
    }
  }
}

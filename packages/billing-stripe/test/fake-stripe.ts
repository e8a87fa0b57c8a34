import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const API_KEY = 'sk_test_51FakeKeyForSmmbotTests000000000000000000';
export const WEBHOOK_SECRET = 'whsec_testSecretForSmmbotWebhooks000000';

export const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: fixtures are free-form JSON that tests edit.
export const fixtureJson = <T = Record<string, any>>(name: string): T => JSON.parse(fixture(name));

export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  form: Record<string, string>;
  headers: IncomingMessage['headers'];
}

// biome-ignore lint/suspicious/noExplicitAny: free-form Stripe JSON.
type Json = Record<string, any>;

/**
 * A local stand-in for api.stripe.com on 127.0.0.1: the endpoints the provider calls, with Stripe's
 * form-encoded requests, Bearer key check and error shape. Records every request.
 */
export class FakeStripe {
  readonly requests: Recorded[] = [];
  readonly subscriptions = new Map<string, Json>();
  invoices: Json[] = [];
  /** The next request is answered with this status and Stripe error. */
  failNext?: { status: number; type: string; message: string; code?: string };
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => this.route(req, body, res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  calls(method: string, prefix: string): Recorded[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(prefix));
  }

  private route(req: IncomingMessage, raw: string, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const form = Object.fromEntries(new URLSearchParams(raw));
    const rec: Recorded = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      form,
      headers: req.headers,
    };
    this.requests.push(rec);
    const send = (status: number, json: Json) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake_${this.requests.length}` });
      res.end(JSON.stringify(json));
    };
    const error = (status: number, type: string, message: string, code?: string) =>
      send(status, { error: { type, message, ...(code ? { code } : {}) } });
    if (req.headers.authorization !== `Bearer ${API_KEY}`) {
      return error(401, 'invalid_request_error', 'Invalid API Key provided: sk_test_****0000');
    }
    if (this.failNext) {
      const f = this.failNext;
      this.failNext = undefined;
      return error(f.status, f.type, f.message, f.code);
    }
    const m = `${rec.method} ${rec.path}`;
    if (m === 'POST /v1/checkout/sessions') {
      const id = `cs_test_fake${this.requests.length}`;
      return send(200, {
        id,
        object: 'checkout.session',
        mode: form.mode,
        status: 'open',
        client_reference_id: form.client_reference_id ?? null,
        url: `https://checkout.stripe.com/c/pay/${id}`,
      });
    }
    const sub = /^\/v1\/subscriptions\/([^/]+)$/.exec(rec.path);
    if (sub) {
      const found = this.subscriptions.get(sub[1]!);
      if (!found) return error(404, 'invalid_request_error', `No such subscription: '${sub[1]}'`, 'resource_missing');
      if (rec.method === 'POST') this.update(found, form);
      return send(200, found);
    }
    if (m === 'POST /v1/billing_portal/sessions') {
      return send(200, {
        id: 'bps_fake_1',
        object: 'billing_portal.session',
        customer: form.customer,
        return_url: form.return_url,
        url: 'https://billing.stripe.com/p/session/test_fake_1',
      });
    }
    if (m === 'GET /v1/invoices') {
      const data = this.invoices.filter((i) => i.customer === rec.query.customer);
      return send(200, { object: 'list', data, has_more: false, url: '/v1/invoices' });
    }
    return error(404, 'invalid_request_error', `Unrecognized request URL (${m})`);
  }

  /** `items[0][id]`, `items[0][price]`, `metadata[...]` as Stripe applies them. */
  private update(sub: Json, form: Record<string, string>): void {
    const item = sub.items.data.find((i: Json) => i.id === form['items[0][id]']);
    if (item && form['items[0][price]']) {
      item.price = { ...item.price, id: form['items[0][price]'] };
    }
    for (const [k, v] of Object.entries(form)) {
      const meta = /^metadata\[(.+)\]$/.exec(k);
      if (meta) sub.metadata[meta[1]!] = v;
    }
  }
}

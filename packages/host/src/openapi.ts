import type { HttpRoute } from '@smmbot/core';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/** Request-side schemas describe what a client sends (before transforms and defaults). */
const input = (schema: z.ZodType): JsonSchema =>
  strip(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
const output = (schema: z.ZodType): JsonSchema =>
  strip(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema);

function strip(s: JsonSchema): JsonSchema {
  const { $schema: _drop, ...rest } = s;
  return rest;
}

const ERROR_BODY: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        issues: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

const SECURITY: Record<string, JsonSchema> = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'smmbot_session',
    description: 'A workspace user session (HttpOnly cookie)',
  },
  master: { type: 'apiKey', in: 'cookie', name: 'smmbot_master', description: 'The master admin session' },
};

/** The parameters of one location (path or query) from an object schema's properties. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query', names: string[] = []): JsonSchema[] {
  const props = schema ? ((input(schema).properties ?? {}) as Record<string, JsonSchema>) : {};
  const required = schema ? ((input(schema).required ?? []) as string[]) : [];
  const all = new Set([...Object.keys(props), ...names]);
  return [...all].map((name) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    schema: props[name] ?? { type: 'string' },
  }));
}

/**
 * The OpenAPI 3.1 document of every route the plugins contributed, generated from the same zod
 * schemas the host validates with: the document cannot drift from what the server accepts.
 */
export function openApiDocument(routes: readonly HttpRoute[], info: { title: string; version: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const operationIds = new Set<string>();
  const securitySchemes: Record<string, JsonSchema> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const pathNames = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    const s = route.schema;
    const op: JsonSchema = {
      operationId: uniqueId(operationIds, route.method, route.path),
      summary: s?.summary ?? `${route.method} ${route.path}`,
      tags: s?.tags ?? [route.plugin],
      parameters: [...parameters(s?.params, 'path', pathNames), ...parameters(s?.query, 'query')],
      responses: responses(route),
    };
    if (s?.body) op.requestBody = { required: true, content: { 'application/json': { schema: input(s.body) } } };
    const auth = route.auth;
    if (auth?.kind === 'session' || auth?.kind === 'master') {
      securitySchemes[auth.kind] = SECURITY[auth.kind]!;
      op.security = [{ [auth.kind]: [] }];
      if (auth.kind === 'session' && auth.permission) op['x-permission'] = auth.permission;
    } else if (auth?.kind === 'apiKey') {
      // Security scheme names allow letters, digits, '.', '_' and '-' only.
      const name = `apiKey_${auth.header.replace(/[^A-Za-z0-9._-]/g, '_')}`;
      securitySchemes[name] = { type: 'apiKey', in: 'header', name: auth.header };
      op.security = [{ [name]: [] }];
    }
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: { schemas: { Error: ERROR_BODY }, securitySchemes },
  };
}

function responses(route: HttpRoute): JsonSchema {
  const out: JsonSchema = {};
  for (const [status, schema] of Object.entries(route.schema?.response ?? {})) {
    out[status] = { description: `status ${status}`, content: { 'application/json': { schema: output(schema) } } };
  }
  if (Object.keys(out).length === 0) out['200'] = { description: 'success' };
  const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  if (route.schema?.params || route.schema?.query || route.schema?.body)
    out['400'] = { description: 'invalid input', ...error };
  if (route.auth && route.auth.kind !== 'public') out['401'] = { description: 'not signed in / bad key', ...error };
  if (route.auth?.kind === 'session' && route.auth.permission)
    out['403'] = { description: 'the role may not', ...error };
  return out;
}

/** `getApiV1LogsById`-style ids, unique: `*` becomes `Any`, and a collision gets a number. */
function uniqueId(taken: Set<string>, method: string, path: string): string {
  const words = path
    .replace(/\*/g, 'any')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  const base = method.toLowerCase() + words.join('');
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
  taken.add(id);
  return id;
}

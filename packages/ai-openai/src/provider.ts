import {
  type AiChatMessage,
  type AiCompleteOptions,
  AiError,
  type AiErrorKind,
  type AiProvider,
  type AiUsage,
  aiUsageDay,
  type Clock,
  type KeyValueStore,
  type Logger,
  SystemClock,
  silentLogger,
  type TenantId,
} from '@smmbot/core';
import OpenAI from 'openai';

export interface AiLimits {
  /** Prompt + completion tokens a tenant may use per UTC day. */
  tokensPerDay?: number | undefined;
  /** US dollars a tenant may spend per UTC day (needs `pricing`). */
  costPerDayUsd?: number | undefined;
}

export interface AiPricing {
  /** US dollars per 1,000 prompt tokens. */
  promptPer1k: number;
  /** US dollars per 1,000 completion tokens. */
  completionPer1k: number;
}

export interface OpenAiProviderOptions {
  model: string;
  /** OpenAI by default; any OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 (llama.cpp). */
  baseURL?: string | undefined;
  /** The API key; local servers accept any non-empty dummy. Never logged. */
  apiKey: string;
  /** Per attempt. Default 15,000. */
  timeoutMs?: number | undefined;
  /** Retries after a timeout, connection error, 408/409/429 or 5xx. Default 1. */
  retries?: number | undefined;
  /** Upper bound on every reply's tokens. Default 400. */
  maxTokensPerReply?: number | undefined;
  temperature?: number | undefined;
  /** Daily limits every tenant gets. */
  limits?: AiLimits | undefined;
  /** Per-tenant overrides of `limits`. */
  tenantLimits?: Record<string, AiLimits> | undefined;
  pricing?: AiPricing | undefined;
  /** Days usage counters are kept. Default 90. */
  usageRetentionDays?: number | undefined;
  /** The provider's name (Tokens.Ai consumers see it). Default `openai`. */
  name?: string | undefined;
  /** Where usage is recorded; without it usage is kept in memory (lost on restart). */
  kv?: KeyValueStore | undefined;
  clock?: Clock | undefined;
  logger?: Logger | undefined;
  /** A fetch implementation for the SDK (tests, proxies). */
  fetch?: typeof fetch | undefined;
}

const DAY_MS = 86_400_000;
const USAGE_FIELDS = ['calls', 'prompt', 'completion', 'cost-microusd'] as const;
type UsageField = (typeof USAGE_FIELDS)[number];

/** The kv key of one usage counter: `ai-usage:<yyyy-mm-dd>:<field>`. */
export function usageKey(day: string, field: UsageField): string {
  return `ai-usage:${day}:${field}`;
}

/**
 * An AiProvider over the official `openai` SDK: OpenAI or any OpenAI-compatible server. Keeps
 * per-tenant daily usage (tokens, cost) in the kv, refuses calls past a tenant's daily limit, and
 * turns every failure into an `AiError` whose message carries no secret.
 */
export class OpenAiProvider implements AiProvider {
  readonly name: string;
  readonly model: string;
  private readonly client: OpenAI;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly kv: KeyValueStore | undefined;
  private readonly memory = new Map<string, number>();
  private readonly maxTokensPerReply: number;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly where: string;

  constructor(private readonly options: OpenAiProviderOptions) {
    if (!options.model.trim()) throw new AiError('rejected', 'OpenAiProvider: `model` is required');
    if (!options.apiKey)
      throw new AiError('unauthorized', 'OpenAiProvider: `apiKey` is required (any dummy for local servers)');
    this.name = options.name ?? 'openai';
    this.model = options.model;
    this.clock = options.clock ?? new SystemClock();
    this.logger = options.logger ?? silentLogger();
    this.kv = options.kv;
    this.maxTokensPerReply = options.maxTokensPerReply ?? 400;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.retries = options.retries ?? 1;
    this.where = hostOf(options.baseURL);
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL ?? null,
      timeout: this.timeoutMs,
      maxRetries: this.retries,
      // Logs go through our logger only (the SDK's would go to the console).
      logLevel: 'off',
      // Not from the environment: a tenant's key must not pick up the host's OpenAI org or project.
      organization: null,
      project: null,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async complete(tenant: TenantId, messages: AiChatMessage[], options: AiCompleteOptions = {}): Promise<string> {
    const day = aiUsageDay(this.clock.now());
    await this.checkLimits(tenant, day);
    const maxTokens = Math.max(1, Math.min(options.maxTokens ?? this.maxTokensPerReply, this.maxTokensPerReply));
    const temperature = options.temperature ?? this.options.temperature;
    const started = this.clock.now();
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(
        {
          model: this.model,
          messages: messages.map((m) => ({ role: m.role, content: m.content })),
          max_tokens: maxTokens,
          ...(temperature === undefined ? {} : { temperature }),
        },
        options.signal ? { signal: options.signal } : undefined,
      );
    } catch (err) {
      throw this.fail(tenant, toAiError(err, this.model, this.where));
    }
    const text = replyOf(completion);
    if (text === undefined) {
      throw this.fail(
        tenant,
        new AiError('bad_response', `AI server ${this.where} sent no reply text (model ${this.model})`),
      );
    }
    const usage = usageOf(completion, messages, text);
    const cost = this.costOf(usage.prompt, usage.completion);
    await this.record(tenant, day, { calls: 1, prompt: usage.prompt, completion: usage.completion, cost });
    this.logger.debug(
      {
        tenant,
        model: this.model,
        promptTokens: usage.prompt,
        completionTokens: usage.completion,
        costUsd: cost,
        ms: this.clock.now() - started,
      },
      'ai completion',
    );
    return text;
  }

  async usage(tenant: TenantId, day?: string): Promise<AiUsage> {
    const d = day ?? aiUsageDay(this.clock.now());
    const [calls = 0, prompt = 0, completion = 0, micro = 0] = await Promise.all(
      USAGE_FIELDS.map((f) => this.read(tenant, d, f)),
    );
    return {
      tenant,
      day: d,
      calls,
      promptTokens: prompt,
      completionTokens: completion,
      totalTokens: prompt + completion,
      costUsd: micro / 1e6,
    };
  }

  /** The daily limits of a tenant: its override, else the shared ones. */
  limitsOf(tenant: TenantId): AiLimits {
    return { ...this.options.limits, ...this.options.tenantLimits?.[tenant] };
  }

  private async checkLimits(tenant: TenantId, day: string): Promise<void> {
    const limits = this.limitsOf(tenant);
    if (limits.tokensPerDay === undefined && limits.costPerDayUsd === undefined) return;
    const used = await this.usage(tenant, day);
    const overTokens = limits.tokensPerDay !== undefined && used.totalTokens >= limits.tokensPerDay;
    const overCost = limits.costPerDayUsd !== undefined && used.costUsd >= limits.costPerDayUsd;
    if (!overTokens && !overCost) return;
    const what = overTokens
      ? `${used.totalTokens} of ${limits.tokensPerDay} tokens`
      : `$${used.costUsd.toFixed(4)} of $${limits.costPerDayUsd}`;
    const err = new AiError('limit', `tenant "${tenant}" reached its daily AI limit on ${day}: ${what}`, {
      retryable: false,
      details: { tenant, day, tokens: used.totalTokens, costUsd: used.costUsd, ...limits },
    });
    this.logger.warn({ tenant, day, kind: 'limit', tokens: used.totalTokens, costUsd: used.costUsd }, err.message);
    throw err;
  }

  private costOf(prompt: number, completion: number): number {
    const p = this.options.pricing;
    if (!p) return 0;
    return (prompt / 1000) * p.promptPer1k + (completion / 1000) * p.completionPer1k;
  }

  private async record(
    tenant: TenantId,
    day: string,
    add: { calls: number; prompt: number; completion: number; cost: number },
  ): Promise<void> {
    const values: Record<UsageField, number> = {
      calls: add.calls,
      prompt: add.prompt,
      completion: add.completion,
      'cost-microusd': Math.round(add.cost * 1e6),
    };
    const ttl = (this.options.usageRetentionDays ?? 90) * DAY_MS;
    try {
      await Promise.all(
        USAGE_FIELDS.map(async (f) => {
          if (values[f] === 0) return;
          if (this.kv) await this.kv.increment(tenant, usageKey(day, f), values[f], ttl);
          else {
            const k = `${tenant}\u0000${usageKey(day, f)}`;
            this.memory.set(k, (this.memory.get(k) ?? 0) + values[f]);
          }
        }),
      );
    } catch (err) {
      // The reply was produced and paid for: losing a counter must not lose the answer.
      this.logger.error({ tenant, day, err }, 'could not record AI usage');
    }
  }

  private async read(tenant: TenantId, day: string, field: UsageField): Promise<number> {
    if (!this.kv) return this.memory.get(`${tenant}\u0000${usageKey(day, field)}`) ?? 0;
    const v = await this.kv.get<unknown>(tenant, usageKey(day, field));
    return typeof v === 'number' && Number.isFinite(v) ? v : 0;
  }

  private fail(tenant: TenantId, err: AiError): AiError {
    this.logger.warn(
      { tenant, model: this.model, server: this.where, kind: err.kind, status: err.details.status },
      err.message,
    );
    return err;
  }
}

function replyOf(completion: unknown): string | undefined {
  if (!completion || typeof completion !== 'object') return undefined;
  const choices = (completion as { choices?: unknown }).choices;
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const content = (choices[0] as { message?: { content?: unknown } } | undefined)?.message?.content;
  if (typeof content !== 'string') return undefined;
  const text = content.trim();
  return text ? text : undefined;
}

/** Usage from the response; estimated (about 4 characters a token) when a server leaves it out. */
function usageOf(completion: unknown, messages: AiChatMessage[], text: string): { prompt: number; completion: number } {
  const u = (completion as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } }).usage;
  const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined);
  const prompt = count(u?.prompt_tokens) ?? Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
  return { prompt, completion: count(u?.completion_tokens) ?? Math.ceil(text.length / 4) };
}

/** The server's origin for logs: no path, no credentials, no query. */
function hostOf(baseURL: string | undefined): string {
  if (!baseURL) return 'api.openai.com';
  try {
    return new URL(baseURL).host;
  } catch {
    return 'invalid-url';
  }
}

/** Maps what the SDK throws to an AiError. SDK messages carry no key; we add only status, model and host. */
export function toAiError(err: unknown, model: string, where: string): AiError {
  if (err instanceof AiError) return err;
  const at = `AI server ${where} (model ${model})`;
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new AiError('timeout', `${at} timed out`, { cause: err });
  }
  if (err instanceof OpenAI.APIUserAbortError) {
    return new AiError('timeout', `${at}: call aborted`, { cause: err });
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new AiError('unavailable', `${at} could not be reached: ${causeText(err)}`, { cause: err });
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    const kind: AiErrorKind =
      status === 429
        ? 'rate_limited'
        : status === 401 || status === 403
          ? 'unauthorized'
          : status === 400 || status === 413 || status === 422
            ? 'rejected'
            : 'unavailable';
    return new AiError(kind, `${at} answered HTTP ${status ?? '?'}`, {
      cause: err,
      details: { status },
      // 404 (unknown model or path) and other 4xx need a config fix, not a retry; 408/409 were retried already.
      ...(kind === 'unavailable' && status !== undefined && status < 500 ? { retryable: false } : {}),
      ...(kind === 'rate_limited' ? { retryAfterMs: retryAfterOf(err.headers) } : {}),
    });
  }
  // A body that is not JSON, or JSON the SDK could not use.
  return new AiError('bad_response', `${at} sent an unreadable answer: ${describe(err)}`, { cause: err });
}

function retryAfterOf(headers: Headers | undefined): number | undefined {
  const v = headers?.get('retry-after');
  if (!v) return undefined;
  const s = Number(v);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : undefined;
}

function causeText(err: Error): string {
  // fetch wraps the socket error: APIConnectionError -> TypeError("fetch failed") -> { code: "ECONNREFUSED" }.
  let c: unknown = err.cause;
  for (let i = 0; i < 4 && c && typeof c === 'object'; i++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    c = (c as { cause?: unknown }).cause;
  }
  return err.message;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

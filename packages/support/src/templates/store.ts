import { type Clock, ConfigError, type KeyValueStore, type TenantId } from '@smmbot/core';
import { DEFAULT_TEMPLATES, type TemplateKey } from './defaults.js';

/** One template as the dashboard shows it: the built-in text, the tenant's override and the variables it may use. */
export interface TemplateEntry {
  key: TemplateKey;
  default: string;
  /** The tenant's text; absent when never set or reset. An empty override also falls back to the default. */
  override?: string;
  /** What custom mode sends: the override when it is not blank, else the default. */
  effective: string;
  /** `{name}` variables the text may use (those of the default text). */
  vars: string[];
  updatedAt?: number;
}

interface StoredOverride {
  value: string;
  updatedAt: number;
}

/** Longest override accepted; WhatsApp caps a message at 65,536 characters, most channels far lower. */
export const MAX_TEMPLATE_LENGTH = 4096;
const VAR = /\{([A-Za-z0-9_]+)\}/g;
const kvKey = (key: string) => `template:${key}`;

export function isTemplateKey(key: string): key is TemplateKey {
  return Object.hasOwn(DEFAULT_TEMPLATES, key);
}

/** The `{vars}` a template uses, in order of first use. */
export function templateVars(text: string): string[] {
  return [...new Set([...text.matchAll(VAR)].map((m) => m[1]!))];
}

/** The variables a key may use: exactly those its default text uses. */
export function allowedVars(key: TemplateKey): string[] {
  return templateVars(DEFAULT_TEMPLATES[key]);
}

/**
 * Each tenant's reply templates (spec "Custom mode", `/api/v1/templates`): overrides of
 * DEFAULT_TEMPLATES in the key-value store, one entry per key so two edits never overwrite each other.
 * Reads are not cached: a change is used from the next message on. Text is stored exactly as written
 * (WhatsApp `*bold*`, `_italic_`, `~strike~`, backticks and line breaks included).
 */
export class TemplateStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  async list(tenant: TenantId): Promise<TemplateEntry[]> {
    const keys = Object.keys(DEFAULT_TEMPLATES) as TemplateKey[];
    const stored = await Promise.all(keys.map((key) => this.kv.get<StoredOverride>(tenant, kvKey(key))));
    return keys.map((key, i) => entry(key, stored[i]));
  }

  async entry(tenant: TenantId, key: string): Promise<TemplateEntry> {
    const known = assertKey(key);
    return entry(known, await this.kv.get<StoredOverride>(tenant, kvKey(known)));
  }

  /** The tenant's override of `key`, or undefined when there is none (blank overrides are returned as is). */
  async get(tenant: TenantId, key: string): Promise<string | undefined> {
    if (!isTemplateKey(key)) return undefined;
    return (await this.kv.get<StoredOverride>(tenant, kvKey(key)))?.value;
  }

  /** Stores an override after checking the key exists and every `{var}` is one the key provides. */
  async set(tenant: TenantId, key: string, value: string): Promise<TemplateEntry> {
    const known = assertKey(key);
    if (typeof value !== 'string') throw invalid(`${known}: expected text`);
    if (value.length > MAX_TEMPLATE_LENGTH) {
      throw invalid(`${known}: at most ${MAX_TEMPLATE_LENGTH} characters; found ${value.length}`);
    }
    const allowed = allowedVars(known);
    const unknown = templateVars(value).filter((v) => !allowed.includes(v));
    if (unknown.length) {
      const may = allowed.length ? allowed.map((v) => `{${v}}`).join(', ') : 'no variables';
      throw invalid(
        `${known}: unknown variable(s) ${unknown.map((v) => `{${v}}`).join(', ')}; this template may use ${may}`,
      );
    }
    const stored: StoredOverride = { value, updatedAt: this.clock.now() };
    await this.kv.set(tenant, kvKey(known), stored);
    return entry(known, stored);
  }

  /** Drops the override: the key falls back to its default text. True when there was one. */
  async reset(tenant: TenantId, key: string): Promise<boolean> {
    return this.kv.delete(tenant, kvKey(assertKey(key)));
  }
}

function entry(key: TemplateKey, stored: StoredOverride | undefined): TemplateEntry {
  const fallback = DEFAULT_TEMPLATES[key];
  const override = stored?.value;
  return {
    key,
    default: fallback,
    ...(override === undefined ? {} : { override, updatedAt: stored?.updatedAt }),
    effective: override?.trim() ? override : fallback,
    vars: allowedVars(key),
  };
}

function assertKey(key: string): TemplateKey {
  if (isTemplateKey(key)) return key;
  const help = key === 'help' ? '; the help menu is fixed in every chat mode' : '';
  throw invalid(`unknown template key ${JSON.stringify(key)}${help}`);
}

function invalid(line: string): ConfigError {
  return new ConfigError(line, { issues: [line] });
}

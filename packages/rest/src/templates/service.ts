import type { TenantId } from '@smmbot/core';
import { isTemplateKey, type TemplateEntry, TemplateStoreToken } from '@smmbot/support';
import { iso, notFound } from '../http.js';
import type { Scope } from '../scope.js';

export function templateItem(t: TemplateEntry) {
  return {
    key: t.key,
    default: t.default,
    override: t.override ?? null,
    effective: t.effective,
    vars: t.vars,
    updated_at: iso(t.updatedAt),
  };
}

/**
 * Message templates (custom mode): the support workflow's TemplateStore, read per message, so an
 * edit is used from the next message. Keys are the built-in ones; an unknown key is a 404.
 */
export class TemplatesService {
  constructor(private readonly scope: Scope) {}

  private store() {
    return this.scope.need(TemplateStoreToken, '@smmbot/support');
  }

  async list(tenant: TenantId) {
    return (await this.store().list(tenant)).map(templateItem);
  }

  /** Checks the `{vars}` against the key's (a 400 names the allowed ones). */
  async set(tenant: TenantId, key: string, value: string) {
    known(key);
    return templateItem(await this.store().set(tenant, key, value));
  }

  async reset(tenant: TenantId, key: string) {
    known(key);
    const store = this.store();
    const had = await store.reset(tenant, key);
    return { item: templateItem(await store.entry(tenant, key)), had_override: had };
  }
}

function known(key: string): void {
  if (!isTemplateKey(key)) throw notFound(`template key ${JSON.stringify(key)}`);
}

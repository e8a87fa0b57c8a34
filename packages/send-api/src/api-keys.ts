import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  type Clock,
  type Collection,
  ConfigError,
  type RecordStore,
  SmmbotError,
  type StoredRecord,
  type TenantId,
} from '@smmbot/core';

/** A key created at runtime. Only its SHA-256 is stored: a leaked database yields no usable key. */
interface StoredApiKey extends StoredRecord {
  hash: string;
  /** The first characters, so a person can tell keys apart in a list. */
  prefix: string;
  label?: string;
  createdAt: number;
}

export interface ApiKeyInfo {
  id: string;
  tenantId: TenantId;
  prefix: string;
  label?: string;
  createdAt: number;
}

/** What `create` returns: the plaintext key, shown this once and never again. */
export interface CreatedApiKey extends ApiKeyInfo {
  key: string;
}

const KEYS = { name: 'send_api_keys', indexes: ['hash'] };
const KEY_PREFIX = 'smk_';
/** Longer headers are not keys; hashing them would only cost time. */
const MAX_KEY_LENGTH = 512;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export interface ApiKeyDeps {
  store: RecordStore;
  clock: Clock;
  /** Keys from the config file, per tenant. */
  configured: Readonly<Record<TenantId, string | string[]>>;
  /** The tenants stored keys are looked up in (the engine's, plus any with a configured key). */
  tenants: readonly TenantId[];
}

/**
 * Company API keys: declared in the config (per tenant) or created at runtime. A key maps to exactly
 * one tenant; `authenticate` is the only way from a key to a tenant, and every route then uses that
 * tenant for all its reads and writes.
 */
export class ApiKeyService {
  private readonly keys: Collection<StoredApiKey>;
  private readonly configured: { tenant: TenantId; digest: Buffer }[] = [];
  private readonly tenants: readonly TenantId[];

  constructor(private readonly deps: ApiKeyDeps) {
    this.keys = deps.store.collection<StoredApiKey>(KEYS);
    const owner = new Map<string, TenantId>();
    for (const [tenant, value] of Object.entries(deps.configured)) {
      for (const key of [value].flat()) {
        const digest = sha256(key);
        const other = owner.get(digest.toString('hex'));
        // One key for two companies would let one reach the other's messages.
        if (other && other !== tenant) {
          throw new ConfigError(`the same API key is configured for tenants "${other}" and "${tenant}"`);
        }
        owner.set(digest.toString('hex'), tenant);
        this.configured.push({ tenant, digest });
      }
    }
    this.tenants = [...new Set([...deps.tenants, ...Object.keys(deps.configured)])];
  }

  /** Creates a key for the tenant; the plaintext is in the result only. */
  async create(tenant: TenantId, options: { label?: string } = {}): Promise<CreatedApiKey> {
    if (!this.tenants.includes(tenant)) {
      throw new SmmbotError('E_NOT_FOUND', `tenant "${tenant}" is not served by this engine`);
    }
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const record = await this.keys.insert(tenant, {
      hash: sha256(key).toString('hex'),
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      ...(options.label ? { label: options.label } : {}),
      createdAt: this.deps.clock.now(),
    });
    return { ...info(record), key };
  }

  /** The tenant's stored keys, without hashes. Configured keys live in the config file. */
  async list(tenant: TenantId): Promise<ApiKeyInfo[]> {
    const page = await this.keys.find(tenant, { sort: [{ field: 'createdAt' }], limit: 1000 });
    return page.items.map(info);
  }

  /** Revokes a stored key at once: the next request with it gets 401. */
  revoke(tenant: TenantId, id: string): Promise<boolean> {
    return this.keys.delete(tenant, id);
  }

  /** The tenant a presented key belongs to, or undefined. */
  async authenticate(presented: string | undefined): Promise<TenantId | undefined> {
    if (!presented || presented.length > MAX_KEY_LENGTH) return undefined;
    const digest = sha256(presented);
    // Every configured key is compared, in constant time, so timing tells nothing about which matched.
    let tenant: TenantId | undefined;
    for (const entry of this.configured) {
      if (timingSafeEqual(entry.digest, digest) && tenant === undefined) tenant = entry.tenant;
    }
    if (tenant !== undefined) return tenant;
    if (!presented.startsWith(KEY_PREFIX)) return undefined;
    // Storage has no cross-tenant read by design: the hash is looked up in each tenant's own keys.
    const hash = digest.toString('hex');
    for (const candidate of this.tenants) {
      const { items } = await this.keys.find(candidate, { where: { hash }, limit: 1 });
      const found = items[0];
      if (found && timingSafeEqual(Buffer.from(found.hash, 'hex'), digest)) return candidate;
    }
    return undefined;
  }
}

function info(record: StoredApiKey): ApiKeyInfo {
  return {
    id: record.id,
    tenantId: record.tenantId,
    prefix: record.prefix,
    ...(record.label ? { label: record.label } : {}),
    createdAt: record.createdAt,
  };
}

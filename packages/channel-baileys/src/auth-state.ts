import type { KeyValueStore, SecretBox } from '@smmbot/core';
import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';

export interface KvAuthStateOptions {
  kv: KeyValueStore;
  tenant: string;
  /** Every value is sealed with it: creds and Signal keys are never stored in plaintext. */
  secrets: SecretBox;
  /** Key prefix, one per WhatsApp number of the tenant, e.g. `baileys:whatsapp`. */
  namespace: string;
}

export interface KvAuthState {
  /** Pass to `makeWASocket({ auth: state })`. `state.creds` is mutated in place by Baileys. */
  readonly state: AuthenticationState;
  /** Call on every `creds.update`. */
  saveCreds(): Promise<void>;
  /** Waits until every key write handed to `keys.set` is stored. */
  flush(): Promise<void>;
  /** Forgets the login (after 401): fresh creds, and the old keys become unreachable. */
  clear(): Promise<void>;
  /** How many batches of key writes were committed (for tests and metrics). */
  readonly batches: number;
}

/**
 * Baileys auth state over the tenant's KeyValueStore: values serialized with `BufferJSON` and sealed
 * with the SecretBox. `keys.set` calls within one tick are merged and written together; reads see
 * writes still in the batch. Keys live under a generation number, so `clear()` drops a whole login
 * without listing keys (the KeyValueStore has no scan).
 */
export async function useKvAuthState(options: KvAuthStateOptions): Promise<KvAuthState> {
  const { kv, tenant, secrets, namespace } = options;
  const genKey = `${namespace}:gen`;
  let gen = (await kv.get<number>(tenant, genKey)) ?? 0;
  const credsKey = () => `${namespace}:g${gen}:creds`;
  const keyOf = (type: string, id: string) => `${namespace}:g${gen}:k:${type}:${id}`;
  const encode = (value: unknown) => secrets.seal(JSON.stringify(value, BufferJSON.replacer));
  const decode = (sealed: string): unknown => JSON.parse(secrets.open(sealed), BufferJSON.reviver);

  const storedCreds = await kv.get<string>(tenant, credsKey());
  const state: AuthenticationState = {
    creds: storedCreds ? (decode(storedCreds) as AuthenticationCreds) : initAuthCreds(),
    keys: undefined as unknown as SignalKeyStore,
  };

  let pending = new Map<string, unknown>();
  let scheduled: Promise<void> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let batches = 0;

  const commit = async (batch: Map<string, unknown>) => {
    await Promise.all(
      [...batch].map(([key, value]) =>
        value === null ? kv.delete(tenant, key).then(() => undefined) : kv.set(tenant, key, encode(value)),
      ),
    );
    batches++;
  };

  const schedule = (): Promise<void> => {
    scheduled ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        const batch = pending;
        pending = new Map();
        scheduled = undefined;
        chain = chain.then(() => commit(batch));
        chain.then(resolve, reject);
        chain = chain.catch(() => undefined);
      });
    });
    return scheduled;
  };

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      await Promise.all(
        ids.map(async (id) => {
          const key = keyOf(type, id);
          let value: unknown;
          if (pending.has(key)) value = pending.get(key);
          else {
            const sealed = await kv.get<string>(tenant, key);
            value = sealed === undefined ? undefined : decode(sealed);
          }
          if (value === undefined || value === null) return;
          if (type === 'app-state-sync-key') value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
          out[id] = value as SignalDataTypeMap[T];
        }),
      );
      return out;
    },
    set(data: SignalDataSet) {
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) pending.set(keyOf(type, id), value ?? null);
      }
      return schedule();
    },
  };
  state.keys = keys;

  return {
    state,
    get batches() {
      return batches;
    },
    async saveCreds() {
      await kv.set(tenant, credsKey(), encode(state.creds));
    },
    async flush() {
      if (scheduled) await scheduled;
      await chain;
    },
    async clear() {
      if (scheduled) await scheduled.catch(() => undefined);
      await chain;
      await kv.delete(tenant, credsKey());
      gen = await kv.increment(tenant, genKey, 1);
      pending = new Map();
      state.creds = initAuthCreds();
    },
  };
}

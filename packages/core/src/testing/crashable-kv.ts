import type { KeyValueStore, Lock } from '../storage.js';

/**
 * A worker's key-value store that dies with it: after `crash()`, every call hangs, as if the
 * process were gone, so its turns' claims are neither renewed nor released.
 */
export function crashableKv(kv: KeyValueStore) {
  let dead = false;
  const guard = <T>(call: () => Promise<T>): Promise<T> => (dead ? new Promise<T>(() => {}) : call());
  const wrapLock = (lock: Lock): Lock => ({
    key: lock.key,
    token: lock.token,
    release: () => guard(() => lock.release()),
    extend: (ms) => guard(() => lock.extend(ms)),
  });
  const proxy = new Proxy(kv, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'acquireLock') {
        return (...args: Parameters<KeyValueStore['acquireLock']>) =>
          guard(async () => {
            const lock = await target.acquireLock(...args);
            return lock && wrapLock(lock);
          });
      }
      return (...args: unknown[]) => guard(() => value.apply(target, args));
    },
  });
  const crash = () => {
    dead = true;
  };
  return { kv: proxy, crash };
}

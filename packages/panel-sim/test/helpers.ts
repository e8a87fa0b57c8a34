import { VirtualClock } from '@smmbot/core';
import { createPanelSim, type PanelSim, type PanelSimOptions } from '../src/index.js';

const running: PanelSim[] = [];

/** Stops every sim started by `startSim` (call from `afterEach`). */
export async function stopAll(): Promise<void> {
  await Promise.all(running.splice(0).map((s) => s.stop()));
}

export interface Started {
  sim: PanelSim;
  clock: VirtualClock;
}

/** A started sim on a VirtualClock (2026-01-01 UTC unless a clock is given). */
export async function startSim(options: PanelSimOptions = {}): Promise<Started> {
  const clock = (options.clock as VirtualClock | undefined) ?? new VirtualClock();
  const sim = createPanelSim({ ...options, clock });
  await sim.start();
  running.push(sim);
  return { sim, clock };
}

/** Parsed wire JSON: tests poke at it freely and assert on it. */
// biome-ignore lint/suspicious/noExplicitAny: wire JSON whose shape the assertions check.
export type Wire = any;

export interface Envelope<T = Wire> {
  data: T;
  error_code: number;
  error_message: string;
}

export interface AdminInit {
  method?: 'GET' | 'POST';
  body?: unknown;
  /** Default: the sim's admin key; `null` sends no key. */
  key?: string | null;
  signal?: AbortSignal;
}

/** Calls the Admin API and parses the envelope. */
export async function admin<T = Wire>(
  sim: PanelSim,
  path: string,
  init: AdminInit = {},
): Promise<{ status: number; body: Envelope<T> }> {
  const res = await adminRaw(sim, path, init);
  return { status: res.status, body: (await res.json()) as Envelope<T> };
}

export function adminRaw(sim: PanelSim, path: string, init: AdminInit = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const key = init.key === undefined ? sim.adminKey : init.key;
  if (key !== null) headers['X-Api-Key'] = key;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(`${sim.url}/adminapi/v2${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

export type Transport = 'form' | 'json' | 'query';

/** Calls the classic API with the demo key (unless `key` is in params). */
export async function classic<T = Wire>(
  sim: PanelSim,
  params: Record<string, string>,
  transport: Transport = 'form',
  path = '/api/v2',
): Promise<T> {
  const res = await classicRaw(sim, params, transport, path);
  return (await res.json()) as T;
}

export function classicRaw(
  sim: PanelSim,
  params: Record<string, string>,
  transport: Transport = 'form',
  path = '/api/v2',
): Promise<Response> {
  const all = { key: sim.apiKey, ...params };
  if (transport === 'query') return fetch(`${sim.url}${path}?${new URLSearchParams(all)}`);
  if (transport === 'json') {
    return fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(all),
    });
  }
  return fetch(`${sim.url}${path}`, { method: 'POST', body: new URLSearchParams(all) });
}

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** `YYYY-MM-DD HH:mm:ss` (UTC) → epoch ms. */
export function panelDate(s: string): number {
  return Date.parse(`${s.replace(' ', 'T')}Z`);
}

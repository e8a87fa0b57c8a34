import { PanelError, type TenantId, Tokens } from '@smmbot/core';
import { probePanel } from '@smmbot/panel-perfectpanel';
import type { Scope } from '../scope.js';

export interface PanelCheck {
  configured: boolean;
  panel: string | null;
  /** The panel answered (even if only to refuse the key). */
  reachable: boolean;
  /** null when the answer did not say (rate limited, unreachable). */
  key_valid: boolean | null;
  capabilities: string[];
  /** The adapter's own probe of guessed endpoints (PerfectPanel), when it has one. */
  checks: { capability: string; status: string; detail: string }[];
  error: { kind: string; message: string } | null;
}

/** Panel answers that prove it is there; `unauthorized` also proves the key is wrong. */
const ANSWERED = new Set(['unauthorized', 'not_found', 'rejected', 'rate_limited', 'unsupported', 'bad_response']);

/**
 * "Validate panel" (Bot Settings → Panel): the cheapest read the panel has (`ping`, else one order
 * look-up), as `smmbot doctor` does: reachable, key accepted, capabilities, and the adapter's probe.
 */
export async function checkPanel(scope: Scope, tenant: TenantId): Promise<PanelCheck> {
  const c = scope.forTenant(tenant);
  const empty = { capabilities: [], checks: [] };
  if (!c.isRegistered(Tokens.Panel, true)) {
    const message = 'no panel is connected to this workspace';
    return {
      configured: false,
      panel: null,
      reachable: false,
      key_valid: null,
      ...empty,
      error: { kind: 'none', message },
    };
  }
  const panel = c.resolve(Tokens.Panel);
  const base = { configured: true, panel: panel.name, capabilities: [...panel.capabilities].sort() };
  try {
    if (panel.ping) await panel.ping();
    else await panel.getOrders(['1']);
  } catch (err) {
    const kind = err instanceof PanelError ? err.kind : 'error';
    const reachable = ANSWERED.has(kind);
    // A refused key is the answer that matters; "not found" means the key was accepted.
    const keyValid = kind === 'unauthorized' ? false : kind === 'not_found' ? true : null;
    const message = kind === 'unauthorized' ? 'the panel refused the API key' : (err as Error).message;
    return { ...base, reachable, key_valid: keyValid, checks: [], error: { kind, message } };
  }
  const probe = await probePanel(panel).catch(() => undefined);
  const checks = (probe ?? []).map((p) => ({ capability: p.capability, status: p.status, detail: p.detail }));
  return { ...base, reachable: true, key_valid: true, checks, error: null };
}

import type { SimState } from './data/state.js';
import type { FaultRegistry } from './faults.js';
import { json, type SimRequest, type SimResponse } from './http.js';
import type { RequestLog } from './requests.js';

export interface SimControl {
  url: string;
  adminKey: string;
  apiKey: string;
  state: SimState;
  faults: FaultRegistry;
  requests: RequestLog;
  hanging(): number;
}

/**
 * The sim's own control API under `/__sim` (not counted, never faulted, no key: loopback only).
 *
 *   GET    /__sim/state          summary of data, faults, request counts
 *   GET    /__sim/faults         active faults
 *   POST   /__sim/faults         add one fault, an array, or { faults: [...] }
 *   DELETE /__sim/faults         remove all faults
 *   DELETE /__sim/faults/:id     remove one
 *   GET    /__sim/requests       request counts by route
 *   DELETE /__sim/requests       reset the counters
 */
export function handleSimRoute(req: SimRequest, sim: SimControl): SimResponse {
  const path = req.path.replace(/\/+$/, '');
  const { method } = req;
  if (method === 'GET' && path === '/__sim/state') {
    return json({
      url: sim.url,
      adminKey: sim.adminKey,
      apiKey: sim.apiKey,
      ...sim.state.summary(),
      faults: sim.faults.list(),
      requests: { total: sim.requests.total, byRoute: sim.requests.byRoute() },
      hanging: sim.hanging(),
    });
  }
  if (path === '/__sim/faults') {
    if (method === 'GET') return json({ faults: sim.faults.list() });
    if (method === 'DELETE') {
      const cleared = sim.faults.list().length;
      sim.faults.clear();
      return json({ cleared });
    }
    if (method === 'POST') return addFaults(req.rawBody, sim.faults);
  }
  const one = /^\/__sim\/faults\/(\d+)$/.exec(path);
  if (one && method === 'DELETE') return json({ removed: sim.faults.remove(Number(one[1])) });
  if (path === '/__sim/requests') {
    if (method === 'GET') return json({ total: sim.requests.total, byRoute: sim.requests.byRoute() });
    if (method === 'DELETE') {
      sim.requests.reset();
      return json({ reset: true });
    }
  }
  return json({ error: `no sim route ${method} ${path}` }, 404);
}

function addFaults(raw: string, faults: FaultRegistry): SimResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return json({ error: 'body must be JSON: { "route": "...", "kind": "..." }' }, 400);
  }
  const wrapped = parsed as { faults?: unknown } | null;
  const items = Array.isArray(parsed) ? parsed : Array.isArray(wrapped?.faults) ? wrapped.faults : [parsed];
  try {
    // Validate all first so a bad item adds none.
    const specs = items.map((item: unknown) => faults.validate(item));
    return json({ faults: specs.map((s) => faults.add(s)) });
  } catch (e) {
    return json({ error: (e as Error).message }, 400);
  }
}

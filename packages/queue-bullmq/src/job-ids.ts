/**
 * BullMQ job ids and job scheduler ids made from our ids. BullMQ rejects a custom job id that
 * contains `:` (its own keys are `:`-separated) or that is an integer, and our ids have both
 * (`whatsapp:wamid.123`, tenant `42`). So each part is percent-encoded (`:` becomes `%3A`) and the
 * parts are joined with `/`: the result is never an integer and never holds a `:`, and different
 * (tenant, id) pairs never meet on one job id.
 */
export function inboundJobId(tenant: string, recordId: string): string {
  return `${encodeURIComponent(tenant)}/${encodeURIComponent(recordId)}`;
}

/** `<tenant or __system__>/<job id>`, encoded the same way. */
export function schedulerId(jobId: string, tenantId: string): string {
  return `${encodeURIComponent(tenantId)}/${encodeURIComponent(jobId)}`;
}

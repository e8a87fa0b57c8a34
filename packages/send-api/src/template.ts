import type { TemplateOptions } from './options.js';

/** The payment reminder when a tenant's template sets no `body`. */
export const DEFAULT_BODY = [
  '{header}',
  '',
  'Dear {customerName},',
  'Please complete your payment here: {url}',
  '',
  'Questions? Call us: {phones}',
  '',
  '{signature}',
].join('\n');

export interface TemplateValues {
  customerName?: string;
  token?: string;
}

const PLACEHOLDER = /\{(header|customerName|url|phones|signature)\}/g;

/**
 * Merges the tenant's template with the request's values. A line that names a placeholder without
 * a value is dropped whole ("Dear ," or "Call us: " would look broken), then runs of blank lines
 * are folded to one and the ends trimmed, so no stray placeholder or empty line is left. Values are
 * substituted in one pass: a customer name containing "{url}" stays as written.
 */
export function mergeTemplate(template: TemplateOptions, values: TemplateValues): string {
  const vars: Record<string, string> = {
    header: clean(template.header),
    customerName: clean(values.customerName),
    url: paymentUrl(template.paymentUrl, values.token),
    phones: [template.phones ?? []]
      .flat()
      .map((p) => p.trim())
      .filter(Boolean)
      .join(', '),
    signature: clean(template.signature),
  };
  const lines: string[] = [];
  for (const line of (template.body ?? DEFAULT_BODY).split(/\r?\n/)) {
    const names = [...line.matchAll(PLACEHOLDER)].map((m) => m[1]!);
    if (names.some((name) => !vars[name])) continue;
    lines.push(line.replace(PLACEHOLDER, (_, name: string) => vars[name]!).trimEnd());
  }
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The payment URL with the token appended (URL-encoded, so a token cannot change the link's path). */
function paymentUrl(base: string | undefined, token: string | undefined): string {
  const url = clean(base);
  if (!url) return '';
  const t = clean(token);
  return t ? url + encodeURIComponent(t) : url;
}

const clean = (value: string | undefined): string => value?.trim() ?? '';

import { describe, expect, it } from 'vitest';
import { checkFacts, detectLanguage, extractFacts, keepsFacts } from '../src/ai/index.js';

describe('reply facts', () => {
  const manual =
    'Order #1001\nService: Instagram Likes\nStatus: In progress\nStart count: 1,200 | Remains: 350\nCharge: 0.75 USD\nSee https://panel.example/orders?id=1001. Updated 2026-11-28 14:05 UTC';

  it('extracts order ids, numbers, statuses, links and dates', () => {
    const f = extractFacts(manual, ['1001', 'In progress']);
    expect(f.orderIds).toEqual(['1001']);
    expect(f.numbers).toEqual(expect.arrayContaining(['1001', '1200', '350', '0.75', '2026']));
    expect(f.statuses).toEqual(['in progress']);
    expect(f.urls).toEqual(['https://panel.example/orders?id=1001']);
    expect(f.dates).toEqual(['2026-11-28 14:05']);
  });

  it('accepts a faithful rewrite with other spacing, case and number formats', () => {
    const rewrite =
      'Hi! Your order #1001 (Instagram Likes) is IN  PROGRESS: it started at 1200 and 350 remain, charged 0,75 USD. Details: https://panel.example/orders?id=1001 (updated 2026-11-28 14:05 UTC).';
    expect(checkFacts(manual, rewrite, ['1001', 'In progress'])).toEqual({ ok: true, problems: [] });
  });

  it('rejects a dropped id, a changed status, a changed number, an added link or order', () => {
    const base = 'Refill requested for order #1001, #1002. Status: Completed, 50 remaining.';
    expect(keepsFacts(base, 'Refill requested for order #1001. Status: Completed, 50 remaining.')).toBe(false);
    expect(keepsFacts(base, 'Refill requested for #1001, #1002. Status: Partial, 50 remaining.')).toBe(false);
    expect(keepsFacts(base, 'Refill requested for #1001, #1002. Status: Completed, 51 remaining.')).toBe(false);
    expect(keepsFacts(base, 'Refill for #1001, #1002. Status: Completed, 50 remaining. https://evil.example')).toBe(
      false,
    );
    expect(keepsFacts(base, 'Refill for #1001, #1002 and #1011. Status: Completed, 50 remaining.')).toBe(false);
    expect(keepsFacts(base, 'Refill for #1001, #1002 (also 1011). Status: completed, 50 remaining.')).toBe(false);
    // "Done!" claims more than "requested": the outcome guard sends the manual text instead.
    expect(keepsFacts(base, 'Done! Refill for #1001 and #1002 is in. Status: completed; 50 remaining.')).toBe(false);
    expect(keepsFacts(base, 'All set: refill requested for #1001 and #1002. Status: completed; 50 remaining.')).toBe(
      true,
    );
  });
});

describe('language detection', () => {
  it.each([
    ['my order is still not started, why?', 'en'],
    ['hola, mi pedido todavía no llegó, por favor', 'es'],
    ['olá, meu pedido ainda não chegou', 'pt'],
    ['halo, pesanan saya belum masuk, tolong cek', 'id'],
    ['merhaba, siparişim hala gelmedi neden', 'tr'],
    ['مرحبا، طلبي لم يصل بعد', 'ar'],
    ['میرا آرڈر ابھی تک نہیں پہنچا، براہ کرم چیک کریں', 'ur'],
    ['मेरा ऑर्डर अभी तक नहीं आया', 'hi'],
    ['привет, мой заказ ещё не выполнен', 'ru'],
  ])('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it('cannot tell from a bare command', () => {
    expect(detectLanguage('refill 1001')).toBeUndefined();
    expect(detectLanguage('1001')).toBeUndefined();
  });
});

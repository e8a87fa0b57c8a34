import { describe, expect, it } from 'vitest';
import { mergeTemplate } from '../src/index.js';

const FULL = {
  header: '*ACME Internet*',
  paymentUrl: 'https://pay.acme.test/i/',
  phones: ['+1 555 0100', '+1 555 0101'],
  signature: '— ACME billing',
};

describe('mergeTemplate', () => {
  it('fills every placeholder of the default body', () => {
    expect(mergeTemplate(FULL, { customerName: 'Ann Lee', token: 'tok42' })).toBe(
      [
        '*ACME Internet*',
        '',
        'Dear Ann Lee,',
        'Please complete your payment here: https://pay.acme.test/i/tok42',
        '',
        'Questions? Call us: +1 555 0100, +1 555 0101',
        '',
        '— ACME billing',
      ].join('\n'),
    );
  });

  it('drops the greeting line when there is no customer name', () => {
    const text = mergeTemplate(FULL, { token: 'tok42' });
    expect(text).not.toMatch(/Dear|\{customerName\}/);
    expect(text).toContain('*ACME Internet*\n\nPlease complete your payment here: https://pay.acme.test/i/tok42\n');
  });

  it('uses the bare payment URL without a token, and drops the line without a URL', () => {
    expect(mergeTemplate(FULL, {})).toContain('here: https://pay.acme.test/i/\n');
    const noUrl = mergeTemplate({ ...FULL, paymentUrl: undefined }, { customerName: 'Ann', token: 'tok42' });
    expect(noUrl).not.toMatch(/payment|\{url\}|tok42/);
    expect(noUrl).toBe(
      '*ACME Internet*\n\nDear Ann,\n\nQuestions? Call us: +1 555 0100, +1 555 0101\n\n— ACME billing',
    );
  });

  it('leaves no empty lines at the ends or doubled in the middle when blocks are missing', () => {
    const text = mergeTemplate({ paymentUrl: 'https://p.test/' }, { customerName: 'Bo', token: 't' });
    expect(text).toBe('Dear Bo,\nPlease complete your payment here: https://p.test/t');
  });

  it('gives an empty text when nothing is known', () => {
    expect(mergeTemplate({}, {})).toBe('');
  });

  it('URL-encodes the token so it cannot change the link', () => {
    const text = mergeTemplate({ paymentUrl: 'https://p.test/i/' }, { token: '../admin?x=1 2' });
    expect(text).toContain('https://p.test/i/..%2Fadmin%3Fx%3D1%202');
  });

  it('substitutes in one pass: values that look like placeholders stay as written', () => {
    const text = mergeTemplate({ ...FULL, body: 'Hi {customerName}: {url}' }, { customerName: '{url}', token: 'a' });
    expect(text).toBe('Hi {url}: https://pay.acme.test/i/a');
  });

  it('merges a custom body with every placeholder, a single phone given as a string', () => {
    const template = {
      ...FULL,
      phones: '+1 555 0199',
      body: '{header} | {customerName} | {url} | {phones} | {signature}',
    };
    expect(mergeTemplate(template, { customerName: 'Cy', token: 'z' })).toBe(
      '*ACME Internet* | Cy | https://pay.acme.test/i/z | +1 555 0199 | — ACME billing',
    );
  });

  it('keeps lines without placeholders and text around unknown braces', () => {
    const text = mergeTemplate({ body: 'Static line\n{nope} stays\nDear {customerName}' }, {});
    expect(text).toBe('Static line\n{nope} stays');
  });
});

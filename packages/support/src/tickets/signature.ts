/** The signature used when the tenant configured none. */
export const DEFAULT_TICKET_SIGNATURE = 'Support Team';

/**
 * A line that starts a sign-off: "Best regards, ...", "Kind regards", "Regards,", "Sincerely",
 * "Thanks, Support", "Thank you," / "Cheers" on their own (a short name may follow on the same line).
 * "Thank you for your patience." is a sentence, not a sign-off, and is kept.
 */
const SIGN_OFF =
  /^(?:(?:best|kind|warm|warmest|with\s+best)\s+regards|regards|sincerely(?:\s+yours)?|yours\s+(?:sincerely|truly)|best\s+wishes|thanks|many\s+thanks|thank\s+you|cheers|best)\b[\s,.!-]*(?:[\p{L}\p{N}[\]().'&-]+(?:\s+[\p{L}\p{N}[\]().'&-]+){0,3})?[\s.!]*$/iu;

/** How many trailing lines a sign-off block may span (the sign-off, a name, a team, a title). */
const MAX_SIGN_OFF_LINES = 5;

/**
 * Strips an AI-written sign-off (and everything after it) from the end of `text`. Only the last few
 * lines are looked at, so a "regards" inside the body is untouched.
 */
export function stripSignOff(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length && !lines[lines.length - 1]!.trim()) lines.pop();
  const from = Math.max(0, lines.length - MAX_SIGN_OFF_LINES);
  for (let i = from; i < lines.length; i++) {
    // A paragraph of the body ends with its last line; a sign-off line is short.
    const line = lines[i]!.trim();
    if (i > 0 && line.length <= 80 && SIGN_OFF.test(line)) {
      return lines.slice(0, i).join('\n').trimEnd();
    }
  }
  return lines.join('\n').trimEnd();
}

/** The reply as posted: sign-off stripped, then the tenant's signature (fallback "Support Team"). */
export function withSignature(text: string, signature: string | undefined): string {
  const sign = signature?.trim() || DEFAULT_TICKET_SIGNATURE;
  let body = stripSignOff(text);
  // The configured signature itself (written by the model) would otherwise appear twice.
  if (body.endsWith(sign)) body = body.slice(0, -sign.length).trimEnd();
  return body ? `${body}\n\n${sign}` : sign;
}

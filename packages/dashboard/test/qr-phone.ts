import { EventEmitter } from 'node:events';
import { type BotPlugin, type Channel, type LinkStatus, type SendReceipt, Tokens } from '@smmbot/core';

/**
 * A WhatsApp number waiting to be scanned, for every workspace created at runtime: what a Baileys
 * channel shows before its phone links (this machine cannot reach WhatsApp). It reports the `login`
 * the channels API reads, with a QR payload that rotates like WhatsApp's, and stays `connecting`, so
 * nothing is ever sent through it; `logOut()` plays WhatsApp ending the session (the balancer alerts).
 */
export class WaitingPhone implements Channel {
  readonly capabilities = {
    groups: true,
    typing: true,
    formatting: 'whatsapp' as const,
    maxTextLength: 4096,
    antiBan: true,
  };
  private readonly born = Date.now();
  private readonly listeners = new Set<(status: LinkStatus) => void>();
  private status: LinkStatus = { state: 'connecting' };

  constructor(
    readonly name: string,
    readonly tenantId: string,
    private readonly rotateMs: number,
  ) {}

  /** The login info the dashboard polls: a new QR payload every `rotateMs`. */
  get login() {
    if (this.status.state === 'logged_out') return { status: 'logged_out', reason: this.status.reason };
    const n = Math.floor((Date.now() - this.born) / this.rotateMs);
    return { status: 'qr', qr: `2@smmbot-test-qr-${n},${this.tenantId},pairing-secret==` };
  }

  link(): LinkStatus {
    return this.status;
  }

  onLink(listener: (status: LinkStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  logOut(reason: string): void {
    this.status = { state: 'logged_out', reason, code: 401 };
    for (const l of this.listeners) l(this.status);
  }

  async send(): Promise<SendReceipt> {
    throw new Error('this phone is not linked yet');
  }
}

export function waitingPhones(rotateMs = 3000): BotPlugin {
  return {
    name: 'test:waiting-phones',
    apply({ hooks, container }) {
      hooks.tenantAdded.tap('phone', (tenant) => {
        container.resolve(Tokens.Channels).add(new WaitingPhone(`wa:${tenant}`, tenant, rotateMs));
      });
    },
  };
}

/**
 * Baileys' socket as a new WhatsApp number sees it before its phone links, for the numbers an owner
 * connects on the Channels page (the channels API builds them with this factory; this machine cannot
 * reach WhatsApp): it shows a QR code, a new one every `rotateMs`, and a pairing code when asked for
 * one. It never connects, so nothing is sent through it.
 */
export function unlinkedSocket(rotateMs = 3000) {
  return (_config: unknown) => {
    const ev = new EventEmitter();
    let n = 0;
    const show = () => ev.emit('connection.update', { qr: `2@smmbot-new-number-${++n},pairing-secret==` });
    const first = setTimeout(show, 20);
    const rotate = setInterval(show, rotateMs);
    rotate.unref();
    return {
      ev,
      user: undefined,
      async sendMessage(): Promise<never> {
        throw new Error('this phone is not linked yet');
      },
      async sendPresenceUpdate() {},
      async onWhatsApp() {
        return [];
      },
      async requestPairingCode() {
        return 'SMMB0T42';
      },
      end() {
        clearTimeout(first);
        clearInterval(rotate);
      },
    };
  };
}

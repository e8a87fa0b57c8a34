import { httpError, type HttpResponse } from './http.js';
import type { Logger } from './logger.js';
import type { InboundMessage } from './message.js';
import type { TurnResult } from './turn-runner.js';

/**
 * How a webhook channel hands messages to the engine: with the engine's `accept`, each message is
 * stored before the platform gets its 200 (a message that could not be stored gets a 503, so the
 * platform delivers it again); without it (a channel used on its own), messages are handled in the
 * background. `idle()` waits for both, so a channel's `stop()` loses nothing.
 */
export class WebhookIntake {
  private receive?: (message: InboundMessage) => Promise<TurnResult>;
  private accept?: (message: InboundMessage) => Promise<void>;
  private readonly pending = new Set<Promise<void>>();
  /** The stores started by the request being handled (webhook handlers are synchronous). */
  private storing?: Promise<void>[];

  constructor(private readonly context: () => { logger: Logger; channel: string }) {}

  connect(
    receive: (message: InboundMessage) => Promise<TurnResult>,
    accept?: (message: InboundMessage) => Promise<void>,
  ): void {
    this.receive = receive;
    this.accept = accept;
  }

  get connected(): boolean {
    return this.receive !== undefined;
  }

  /** Runs a synchronous webhook handler and answers only after the messages it handed off are stored. */
  async respond(handle: () => HttpResponse): Promise<HttpResponse> {
    const mine: Promise<void>[] = [];
    this.storing = mine;
    let res: HttpResponse;
    try {
      res = handle();
    } finally {
      this.storing = undefined;
    }
    const stored = await Promise.allSettled(mine);
    if (stored.some((r) => r.status === 'rejected'))
      return httpError(503, 'E_UNAVAILABLE', 'could not store the message; retry');
    return res;
  }

  /** Persist first (the engine's `accept`), or hand over in the background. */
  handOff(message: InboundMessage): void {
    const { logger, channel } = this.context();
    const started = this.accept
      ? this.accept(message)
      : Promise.resolve()
          .then(() => this.receive?.(message))
          .then(() => undefined);
    if (this.accept) this.storing?.push(started);
    const done: Promise<void> = started
      .catch((err: unknown) =>
        logger.error({ err, channel, msgId: message.id }, 'inbound message not stored or handled'),
      )
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Resolves when every handed-off message is stored (and, without `accept`, handled). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

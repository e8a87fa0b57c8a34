import type { TenantId } from '@smmbot/core';

/** Admits one stored job into the leader's scheduler. Throwing means "not admitted now": redeliver later. */
export type AdmitHandler = (tenant: TenantId, jobId: string) => Promise<void>;

/** A running consumer; `stop` lets handler calls in progress finish and takes no more. */
export interface OutboundConsumer {
  stop(): Promise<void>;
}

/**
 * How the id of a stored send job reaches the process that schedules it (the leader) in leased
 * mode. Only ids travel: the job itself is already in the SendQueue, written before `submit`.
 * Delivery is at least once; the leader ignores ids it already holds or that have finished, so a
 * duplicate costs one read. An id that never arrives is still found by the leader's rescan
 * (`distributed.pollMs`), so the transport is the fast path, not the only one.
 */
export interface OutboundTransport {
  /** Hands a stored job to the leader. A second submit of the same id may be dropped. */
  submit(tenant: TenantId, jobId: string): Promise<void>;
  /**
   * Delivers submitted ids to `handler` in this process until the consumer is stopped. The balancer
   * starts consuming when it gains the lease and stops when it loses it, so it can start again later.
   */
  consume(handler: AdmitHandler): Promise<OutboundConsumer>;
  /** Stops consuming and releases connections (the balancer calls it from `drain`). */
  close(): Promise<void>;
}

/**
 * The default: one process, so a submit calls this process's handler directly (today's direct
 * path). With nobody consuming the id is dropped: whoever gains the lease loads every unfinished
 * job from the SendQueue first, so nothing stored is lost.
 */
export class InProcessTransport implements OutboundTransport {
  private handler: AdmitHandler | undefined;

  async submit(tenant: TenantId, jobId: string): Promise<void> {
    await this.handler?.(tenant, jobId);
  }

  async consume(handler: AdmitHandler): Promise<OutboundConsumer> {
    this.handler = handler;
    return {
      stop: async () => {
        if (this.handler === handler) this.handler = undefined;
      },
    };
  }

  async close(): Promise<void> {
    this.handler = undefined;
  }
}

/**
 * The panel simulator's ticket inbox over its Admin API (`smmbot sim` is a separate process): the
 * test opens tickets as customers would and reads the staff replies the Ticket AI posted.
 */
export class SimTickets {
  constructor(
    private readonly baseUrl: string,
    private readonly adminKey: string,
  ) {}

  private async call<T>(path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/adminapi/v2${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-api-key': this.adminKey, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { data: T; error_code: number; error_message: string };
    if (json.error_code !== 0) throw new Error(`sim ${path}: ${json.error_code} ${json.error_message}`);
    return json.data;
  }

  /**
   * Ticket texts a command ticket answers without an AI: an action word and an order of the ticket's
   * user (the Ticket AI runs them as that user's chat command; free text would need a model).
   */
  async commandTickets(count: number): Promise<{ user: string; message: string }[]> {
    const { list } = await this.call<{ list: { id: number; user: string }[] }>('/orders?limit=1000');
    const words = ['speedup', 'refill', 'speed up my order'];
    return Array.from({ length: count }, (_, i) => {
      const order = list[i % list.length]!;
      return { user: order.user, message: `${words[i % words.length]} ${order.id}` };
    });
  }

  async create(user: string, subject: string, message: string): Promise<string> {
    const { id } = await this.call<{ id: number }>('/tickets/add', { username: user, subject, message });
    return String(id);
  }

  /** How many tickets with this subject are answered now (one list call, up to 1000). */
  async answeredCount(subject: string): Promise<number> {
    const query = new URLSearchParams({ subject, status: 'answered', limit: '1000' });
    const { list } = await this.call<{ list: unknown[] }>(`/tickets?${query}`);
    return list.length;
  }

  /** Staff replies on one ticket: the Ticket AI posts one per ticket. */
  async staffReplies(id: string): Promise<string[]> {
    const ticket = await this.call<{ messages: { sender: string; message: string }[] }>(`/tickets/${id}`);
    return ticket.messages.filter((m) => m.sender === 'staff').map((m) => m.message);
  }
}

import { get } from './api.js';
import { replyBox } from './reply-box.js';
import { clear, fmtTime, h } from './ui.js';

/** A chat is named after its customer (or group): a staff answer keeps the name it had. */
function titleOf(m, current) {
  if (m.staff) return m.chatTitle ?? (current || m.chatId);
  return m.chatTitle ?? (m.chatKind === 'private' ? (m.senderName ?? m.senderId) : m.chatId);
}

/** The bubbles of one inbox message: the customer's text and the bot's replies, or a staff answer. */
function bubblesOf(m) {
  if (m.staff) {
    const who = m.staff.phone ?? m.senderName ?? m.senderId;
    return [
      h(
        'li',
        { class: 'bubble out staff', 'data-turn': m.id, 'data-state': 'sent' },
        h('span', { class: 'meta' }, `${who} · staff · ${m.staff.delivery} · ${fmtTime(m.at)}`),
        h('span', { class: 'text' }, m.text),
      ),
    ];
  }
  return [
    h(
      'li',
      { class: 'bubble in', 'data-turn': m.id },
      h(
        'span',
        { class: 'meta' },
        `${m.senderName ?? m.senderId} · ${fmtTime(m.at)}${m.command ? ` · ${m.command}` : ''}`,
      ),
      h('span', { class: 'text' }, m.text),
    ),
    ...m.replies.map((text) =>
      h(
        'li',
        { class: 'bubble out' },
        h('span', { class: 'meta' }, `bot · ${m.status}`),
        h('span', { class: 'text' }, text),
      ),
    ),
  ];
}

/**
 * The chat inbox (a tab of Message Logs): the workspace's recent conversations (GET /api/v1/inbox), kept
 * live by server-sent events (GET /api/v1/inbox/stream: one `turn` event per settled turn and per staff
 * answer), with a reply box under the open conversation. Returns a function that closes the stream.
 */
export async function inboxView(main) {
  const conversations = new Map();
  const seen = new Set();
  let current;
  const status = h('p', { class: 'badge', role: 'status', id: 'live-status' }, 'Connecting…');
  const list = h('ul', { class: 'conversations', 'aria-label': 'Conversations' });
  const threadBody = h('div', { class: 'thread-body', 'aria-live': 'polite' });
  const reply = replyBox({
    onSent: (m) => {
      add(m);
      drawList();
      drawThread();
    },
    onChange: () => drawThread(),
  });
  // The reply box stays put while the messages above it are redrawn: typing survives live updates.
  const thread = h('section', { class: 'thread', 'aria-label': 'Messages' }, threadBody, reply.el);

  const add = (m) => {
    if (seen.has(m.id)) return false;
    seen.add(m.id);
    const key = `${m.channel}:${m.chatId}`;
    let c = conversations.get(key);
    if (!c) {
      c = { key, channel: m.channel, chatId: m.chatId, chatKind: m.chatKind, title: '', lastAt: 0, messages: [] };
      conversations.set(key, c);
    }
    c.messages.push(m);
    c.lastAt = Math.max(c.lastAt, m.at);
    c.title = titleOf(m, c.title);
    return true;
  };

  const drawList = () => {
    const sorted = [...conversations.values()].sort((a, b) => b.lastAt - a.lastAt);
    if (!current && sorted[0]) current = sorted[0].key;
    clear(
      list,
      sorted.length ? null : h('li', { class: 'empty' }, 'No conversations yet. Messages appear here as they arrive.'),
      sorted.map((c) => {
        const last = c.messages.at(-1);
        return h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'conversation',
              'aria-current': c.key === current ? 'true' : undefined,
              onclick: () => {
                current = c.key;
                drawList();
                drawThread();
              },
            },
            h('strong', {}, c.title),
            h('small', {}, `${c.channel} · ${fmtTime(c.lastAt)}`),
            h('span', { class: 'clip' }, last?.text ?? ''),
          ),
        );
      }),
    );
  };

  const drawThread = () => {
    const c = conversations.get(current);
    reply.show(c);
    if (!c) return clear(threadBody, h('p', { class: 'empty' }, 'Select a chat to view messages.'));
    clear(
      threadBody,
      h('h2', {}, c.title, h('small', {}, ` ${c.channel} · ${c.chatKind}`)),
      h('ol', { class: 'bubbles' }, c.messages.flatMap(bubblesOf), reply.bubbles(c.key)),
    );
    threadBody.querySelector('.bubbles')?.lastElementChild?.scrollIntoView?.({ block: 'nearest' });
  };

  const load = async () => {
    const data = await get('/api/v1/inbox');
    for (const c of [...data.conversations].reverse()) for (const m of c.messages) add(m);
    drawList();
    drawThread();
  };

  main.append(status, h('div', { class: 'inbox' }, h('nav', { 'aria-label': 'Conversations' }, list), thread));
  await load();

  // EventSource reconnects by itself (the server asks for a retry after 2 s); after a reconnect, reload
  // the inbox once so turns settled while disconnected show up too.
  const source = new EventSource('/api/v1/inbox/stream');
  let opened = false;
  source.addEventListener('open', () => {
    status.textContent = 'Live';
    status.className = 'badge ok';
    if (opened) void load().catch(() => {});
    opened = true;
  });
  source.addEventListener('error', () => {
    const closed = source.readyState === EventSource.CLOSED;
    status.textContent = closed ? 'Disconnected: reload the page to reconnect' : 'Reconnecting…';
    status.className = `badge ${closed ? 'bad' : 'warn'}`;
  });
  source.addEventListener('turn', (e) => {
    const m = JSON.parse(e.data);
    if (!add(m)) return;
    current ??= `${m.channel}:${m.chatId}`;
    drawList();
    drawThread();
  });
  return () => source.close();
}

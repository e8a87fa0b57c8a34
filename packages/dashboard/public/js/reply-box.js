import { post } from './api.js';
import { h, messageOf } from './ui.js';

/** A client_id for one message; crypto.randomUUID needs a secure context, getRandomValues does not. */
function newClientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The reply box under the open conversation (POST /api/v1/inbox/reply): Enter sends, Shift+Enter starts
 * a new line. Each message is pending until the server answers, then sent (it joins the conversation
 * as the server's message) or failed with the server's friendly error and a Retry. A message keeps its
 * client_id across retries, so the server sends it once however often it is posted.
 *
 * `onSent(message)` gets the server's inbox message; `onChange()` asks the inbox to redraw the thread
 * (pending and failed messages are drawn from `outgoing(key)`).
 */
export function replyBox({ onSent, onChange }) {
  /** client_id → { clientId, key, channel, chatId, text, state: 'pending' | 'failed', error } */
  const outgoing = new Map();
  const drafts = new Map();
  let conversation;

  const label = h('label', { for: 'reply-text' }, 'Reply');
  const text = h('textarea', {
    id: 'reply-text',
    name: 'text',
    rows: 2,
    maxlength: 4000,
    placeholder: 'Write a reply… (Enter sends, Shift+Enter for a new line)',
  });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const form = h('form', { class: 'reply', 'aria-label': 'Staff reply', hidden: true }, label, text, send);

  const deliver = async (entry) => {
    entry.state = 'pending';
    entry.error = undefined;
    onChange();
    try {
      const r = await post('/api/v1/inbox/reply', {
        channel: entry.channel,
        chat_id: entry.chatId,
        text: entry.text,
        client_id: entry.clientId,
      });
      outgoing.delete(entry.clientId);
      onSent(r.message);
    } catch (err) {
      entry.state = 'failed';
      entry.error = messageOf(err);
      onChange();
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = text.value.trim();
    if (!conversation || !body) return;
    const entry = {
      clientId: newClientId(),
      key: conversation.key,
      channel: conversation.channel,
      chatId: conversation.chatId,
      text: body,
    };
    outgoing.set(entry.clientId, entry);
    text.value = '';
    drafts.delete(conversation.key);
    void deliver(entry);
    text.focus();
  });
  text.addEventListener('keydown', (e) => {
    // Not while an input method is composing a character (Enter picks the character there).
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    form.requestSubmit();
  });
  text.addEventListener('input', () => {
    if (conversation) drafts.set(conversation.key, text.value);
  });

  return {
    el: form,
    /** Points the box at the open conversation (or none); each conversation keeps its own draft. */
    show(next) {
      if (next?.key === conversation?.key) return;
      conversation = next;
      form.hidden = !next;
      if (!next) return;
      label.textContent = `Reply to ${next.title}`;
      text.value = drafts.get(next.key) ?? '';
    },
    /** The bubbles of this conversation's messages still pending or failed, oldest first. */
    bubbles(key) {
      return [...outgoing.values()]
        .filter((m) => m.key === key)
        .map((m) =>
          h(
            'li',
            { class: `bubble out staff ${m.state}`, 'data-state': m.state },
            h('span', { class: 'meta' }, m.state === 'pending' ? 'You · sending…' : 'You · not sent'),
            h('span', { class: 'text' }, m.text),
            m.state === 'failed'
              ? h(
                  'span',
                  { class: 'failure' },
                  h('span', { class: 'error', role: 'alert' }, m.error),
                  h('button', { type: 'button', onclick: () => void deliver(m) }, 'Retry'),
                )
              : null,
          ),
        );
    },
  };
}

/**
 * The chat page: one self-contained HTML document, no build step. It renders only from the
 * chat's history (deduped by message id), so replies and messages the bot sends on its own
 * show up the same way. Text is inserted with textContent: nothing a user types is parsed as HTML.
 */
export const CHAT_PAGE = (basePath: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>smmbot — web chat</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; background: #e5ddd5; display: flex; flex-direction: column; height: 100vh; }
  header { background: #075e54; color: #fff; padding: 12px 16px; font-weight: 600; }
  header small { font-weight: 400; opacity: .8; margin-left: 8px; }
  #log { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 6px; }
  .msg { max-width: 75%; padding: 8px 10px; border-radius: 8px; white-space: pre-wrap; box-shadow: 0 1px 1px #0002; }
  .user { align-self: flex-end; background: #dcf8c6; }
  .bot { align-self: flex-start; background: #fff; }
  form { display: flex; gap: 8px; padding: 10px; background: #f0f0f0; }
  input { flex: 1; padding: 10px; border-radius: 20px; border: 1px solid #ccc; font: inherit; }
  button { padding: 10px 18px; border-radius: 20px; border: 0; background: #075e54; color: #fff; font: inherit; cursor: pointer; }
  .error { color: #a00; text-align: center; font-size: 13px; }
</style>
</head>
<body>
<header>smmbot web chat <small>try: help · order 1001 · refill 1001</small></header>
<main id="log" aria-live="polite"></main>
<form id="f"><input id="t" autocomplete="off" placeholder="Type a message" aria-label="Message"><button>Send</button></form>
<script>
(() => {
  const base = ${JSON.stringify(basePath)};
  const id = (k) => localStorage.getItem(k) || (localStorage.setItem(k, crypto.randomUUID()), localStorage.getItem(k));
  const chatId = id('smmbot.chatId'), senderId = id('smmbot.senderId');
  const log = document.getElementById('log'), input = document.getElementById('t');
  const shown = new Set(); let after = 0;
  const render = (m) => {
    if (shown.has(m.id)) return; shown.add(m.id); after = Math.max(after, m.at - 1);
    const div = document.createElement('div'); div.className = 'msg ' + m.from; div.textContent = m.text;
    log.appendChild(div); log.scrollTop = log.scrollHeight;
  };
  const note = (text) => { const d = document.createElement('div'); d.className = 'error'; d.textContent = text; log.appendChild(d); };
  const poll = async () => {
    try {
      const r = await fetch(base + '/messages?chatId=' + encodeURIComponent(chatId) + '&after=' + after);
      if (r.ok) (await r.json()).messages.forEach(render);
    } catch {}
  };
  document.getElementById('f').addEventListener('submit', async (e) => {
    e.preventDefault(); const text = input.value.trim(); if (!text) return; input.value = '';
    try {
      const r = await fetch(base + '/messages', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chatId, senderId, text, messageId: crypto.randomUUID() }) });
      if (!r.ok) note('Could not send: ' + ((await r.json()).error?.message || r.status));
    } catch { note('The bot is not reachable. Is smmbot running?'); }
    await poll();
  });
  poll(); setInterval(poll, 2000);
})();
</script>
</body>
</html>`;

/**
 * The reply texts of the support workflow, by template key (spec "Custom mode": 35+ keys). These are
 * the manual-mode texts and the fallback of custom mode; `{name}` is replaced from the draft's vars.
 * WhatsApp formatting (*bold*, _italic_) is kept as written.
 */
export const DEFAULT_TEMPLATES = {
  welcome_message: 'Welcome! Please enter your panel username to verify your account.',
  verification_username_prompt: 'Please send your panel username (the name you log in with).',
  verification_user_not_found: 'We could not find the username *{username}*. Please check it and send it again.',
  verification_code_sent:
    'Account found. A 6-digit code has been sent to your panel support tickets. Open *Tickets* on the panel and enter the code here.',
  verification_code_invalid: 'That code is not right. You have {attempts_left} attempt(s) left.',
  verification_code_expired: 'That code has expired. Please send your username again to get a new one.',
  verification_locked: 'Too many wrong codes. Please try again in {minutes} minute(s).',
  verification_success: 'Verified! You can now check orders, request refills, and use all bot commands.',
  verification_required: 'Please verify your account first: send your panel username.',
  verification_ticket_subject: 'Verification code',
  verification_ticket_message:
    'Your WhatsApp/Telegram verification code is {code}. It expires in {minutes} minutes. Do not share it.',
  blocked: 'This chat is blocked from using the support bot. Please contact support.',
  permission_denied: 'Sorry, you do not have permission to use this command.',
  order_status:
    '*Order #{order_id}*\nService: {service}\nStatus: {status}\nStart count: {start_count} | Remains: {remains}',
  order_not_found: 'Order #{order_id}: not found. Please check the number.',
  order_not_owned: 'Order #{order_id} does not belong to your account.',
  order_missing_id: 'Please send the order id, for example: {command} 54321',
  ids_truncated: 'Only the first {max} order ids were handled; please send the rest in another message.',
  refill_submitted: 'Refill requested for order #{order_id}. We will update you when it is done.',
  refill_not_eligible_status: 'Order #{order_id} cannot be refilled: it is {status}. Refills are for completed orders.',
  refill_window_expired: 'Order #{order_id} is outside its {days}-day refill period, which ended on {ended}.',
  refill_no_refill: 'Order #{order_id} is for a service without refill.',
  refill_unknown_rule: 'We could not confirm the refill period of order #{order_id}; our team will check it.',
  refill_status: 'Refill of order #{order_id}: {status}.',
  cancel_submitted:
    'Cancellation requested for order #{order_id}. If it cannot be stopped in time, it will complete as normal.',
  cancel_not_eligible: 'Order #{order_id} cannot be canceled: it is {status}.',
  speedup_submitted: 'Speed-up requested for order #{order_id}.',
  speedup_not_eligible: 'Order #{order_id} cannot be sped up: it is {status}.',
  speedup_too_early: 'Order #{order_id} is still within its start time ({start_time}); please wait a little longer.',
  refund_submitted: 'Refund requested for order #{order_id}. Our team will review it.',
  refund_not_eligible: 'Order #{order_id} cannot be refunded: it is {status}.',
  partial_submitted: 'Partial completion requested for order #{order_id}.',
  partial_not_eligible: 'Order #{order_id} cannot be marked partial: it is {status}.',
  fake_complete_submitted: 'Order #{order_id} marked as completed.',
  cooldown_active: 'A {action} request for order #{order_id} is already in progress. You can ask again in {wait}.',
  command_cooldown: 'Please wait {wait} before sending this command again.',
  balance: 'Your balance: *{balance} {currency}*',
  balance_cooldown: 'You checked your balance a moment ago. Please try again in {wait}.',
  services: 'See all services and prices here: {url}',
  services_missing: 'The service list is available on the panel website.',
  ticket_status: 'Ticket #{ticket_id}: {status} — {subject}',
  ticket_not_found: 'Ticket #{ticket_id}: not found.',
  my_username: 'This chat is linked to the panel username *{username}*.',
  not_linked: 'This chat is not linked to a panel account yet. Send your username to verify.',
  route_missing: 'We could not send the {action} request for order #{order_id} automatically; our team will handle it.',
  provider_missing: 'We could not find the provider for order #{order_id}; our team will handle it.',
  action_unavailable: 'Sorry, {action} requests are not available through this bot. Please contact support.',
  // Order commands (orders work): results, bulk replies, refusals and staff tools.
  order_results: '{results}',
  order_status_group: '*{status}*: {orders}',
  order_nothing_left: 'Order #{order_id} has nothing left to deliver.',
  action_rejected: 'The {action} request for order #{order_id} was not accepted by the panel. Our team can check it.',
  action_failed: 'We could not send the {action} request for order #{order_id} right now. Please try again later.',
  refill_status_none: 'No refill request was found for order #{order_id}.',
  refill_status_sent: 'A refill of order #{order_id} was requested on {date} and is being handled.',
  refund_already_refunded: 'Order #{order_id} has already been refunded.',
  fake_complete_not_eligible: 'Order #{order_id} cannot be marked completed: it is {status}.',
  ticket_missing_id: 'Please send the ticket id, for example: ticket 12345',
  ticket_not_owned: 'Ticket #{ticket_id} does not belong to your account.',
  services_count: 'We offer {count} services. See them all here: {url}',
  services_count_only: 'We offer {count} services; the full list is on the panel website.',
  balance_unknown: 'We could not read the balance of *{username}* right now. Please try again later.',
  provider_command: '{command}',
  refill_verify_line:
    '#{order_id} | {status} | Start: {start_count} | Qty: {quantity} | Remains: {remains} | Delivered: {delivered} | Target: {target}{live} | Refill: {refill}',
  provider_status_line: '#{order_id} | Provider OID: {provider_order_id} | Provider Status: {provider_status}',
  not_understood: 'Sorry, I did not understand that. Type "help" to see what I can do.',
  greeting: 'Hello! Send an order number with what you need, for example *refill 54321*, or type *help* for the menu.',
  error: 'Sorry, something went wrong on our side. Please try again in a few minutes.',
  ticket_signature: 'Support Team',
  // Staff and admin commands (!status, !broadcast, !resolve, !config).
  admin_status:
    'Status: Online | Uptime: {uptime}\nVerified Users: {verified_users} | Active Groups: {active_groups}\nAI Provider: {ai_provider}\nChat Mode: {chat_mode}',
  admin_broadcast_usage: 'Usage: !broadcast <message>',
  admin_broadcast_sent: 'Broadcast sent to {count} support group(s).{details}',
  admin_resolve_usage: 'Usage: !resolve <ids> <status>. Ids are log serials (#1247) or order ids. Statuses: {statuses}',
  admin_resolve_done: 'Marked {count} log entry(ies) as *{status}*: {serials}{details}',
  admin_resolve_not_found: 'No log entry found for: {ids}.',
  admin_config_usage: 'Usage: !config set <key> <value> | !config get <key> | !config list',
  admin_config_set: 'Config updated: {key} = {value}',
  admin_config_value: '{key} = {value}',
  admin_config_list: '*Bot config*\n{list}',
  admin_config_error: 'Config error: {error}',
  admin_group_only: 'Please run {command} inside the group it is meant for.',
  admin_verify_users_usage: 'Usage: !verify-users <username> (inside the group whose members you want to verify)',
  admin_verify_users_not_found: 'Panel user *{username}* was not found, nobody was verified.',
  admin_verify_users_done: 'Verified {count} member(s) of this group as *{username}*.{details}',
  admin_remove_users_usage: 'Usage: !remove-users <username>',
  admin_remove_users_done: 'Removed the verification of {count} chat(s) linked to *{username}*.',
  admin_remove_users_none: 'No chats are linked to *{username}*.',
  admin_users: '*Verified users* ({count})\n{list}',
  admin_users_none: 'No verified users yet.',
  admin_groups: '*Groups* ({count})\n{list}',
  admin_groups_none: 'No groups yet: groups appear after the bot receives their first message.',
  admin_group_flag_usage: 'Usage: !{flag} enable|disable (inside the group)',
  admin_group_flag_done: '{flag_name} is now *{state}* for this group.',
  admin_lookup_unavailable: 'This panel cannot look up users, so usernames cannot be checked here.',
  marketing_usage:
    'Usage: !marketing add <text> | !marketing list | !marketing remove <n> | !marketing now (and !marketing enable|disable inside a group)',
  marketing_added: 'Marketing message #{number} added: {count} message(s) in the rotation.',
  marketing_list: '*Marketing messages* ({count})\n{list}\n{schedule}',
  marketing_list_empty: 'No marketing messages yet. Add one with !marketing add <text>.',
  marketing_removed: 'Marketing message #{number} removed: {preview}',
  marketing_not_found: 'There is no marketing message #{number}: !marketing list shows them.',
  marketing_sent: 'Marketing message #{number} sent to {count} marketing group(s).{details}',
  marketing_nothing_to_send: 'No enabled marketing message to send. Add one with !marketing add <text>.',
  marketing_error: 'Marketing error: {error}',
} as const;

export type TemplateKey = keyof typeof DEFAULT_TEMPLATES;

/** Replaces `{name}` with vars; unknown names stay visible so a broken template is noticed, not silent. */
export function renderTemplate(text: string, vars: Record<string, string | number> = {}): string {
  return text.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** A reply draft for a template key in manual mode (custom mode re-renders it from the tenant's table). */
export function draft(key: TemplateKey, vars: Record<string, string | number> = {}) {
  return { text: renderTemplate(DEFAULT_TEMPLATES[key], vars), template: key, vars };
}

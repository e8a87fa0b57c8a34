#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from '@smmbot/core';
import { chatCommand } from './commands/chat.js';
import { connectCommand } from './commands/connect.js';
import { createCliContext } from './commands/context.js';
import { doctorCommand } from './commands/doctor.js';
import { balancerCommand, keysCommand } from './commands/outbound.js';
import { parseCliCommand } from './commands/parse.js';
import { providersCommand, servicesCommand } from './commands/providers.js';
import { rulesCommand } from './commands/rules.js';
import { simCommand } from './commands/sim.js';
import { startCommand } from './commands/start.js';

const USAGE = `smmbot — support bots for SMM panels

Usage: smmbot <command> [options]

Commands:
  start [--role all|web|worker]
                   run the host (with no config file: SQLite in ./.smmbot, web chat on http://localhost:3000)
  chat             talk to the bot in this terminal
  doctor           check config, storage, panel and channels, and say what is wrong
  parse "<text>"   print how a message is parsed, as JSON
  rules "<name>"   print the refill window, start time and speed read from a service name, as JSON
  providers [sync [name]]   list the upstream providers, or sync their catalogs now
  services "<query>"        search the synced service catalogs by name or service id
  connect whatsapp          log a WhatsApp number in (QR in the terminal, or --pairing <phone>)
  balancer                  the anti-ban phones: age, seniority, score, today/cap, failures, alerts
  keys [create [label] | revoke <id>]   the send API's company keys (a new key is shown once)
  sim [seed]       run the panel simulator alone (default port 4010): both panel APIs, fault injection

Options:
  -c, --config <file>   config file (default: smmbot.config.{ts,mts,js,mjs,json,yaml,yml} in this folder)
  -p, --port <n>        HTTP port (also PORT=<n>)
      --host <addr>     HTTP address to bind (default 127.0.0.1)
      --tenant <id>     the tenant a command acts on (default: the config's first)
      --limit <n>       how many results to print (services; default 20)
      --role <r>        start: all (default), web (webhooks, API, dashboard) or worker (turns, jobs, outbox);
                        web and worker need redis + PostgreSQL in the config (docs/deployment.md)
  -h, --help            this text
`;

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  const ctx = createCliContext(
    {
      config: values.config,
      port: values.port,
      host: values.host,
      tenant: values.tenant,
      limit: values.limit,
      role: values.role,
    },
    { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) },
  );
  switch (command) {
    case 'start':
      return startCommand(ctx);
    case 'chat':
      return chatCommand(ctx);
    case 'doctor':
      return doctorCommand(ctx);
    case 'parse':
      return parseCliCommand(ctx, rest.join(' ') || undefined);
    case 'rules':
      return rulesCommand(ctx, rest.join(' ') || undefined);
    case 'providers':
      return providersCommand(ctx, rest);
    case 'services':
      return servicesCommand(ctx, rest.join(' ') || undefined, Math.min(100, Number(values.limit ?? 20) || 20));
    case 'connect':
      return connectCommand(ctx, rest[0], { pairing: values.pairing, timeoutS: Number(values.timeout ?? 180) || 180 });
    case 'balancer':
      return balancerCommand(ctx);
    case 'keys':
      return keysCommand(ctx, rest);
    case 'sim':
      return simCommand(ctx, rest[0]);
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      tenant: { type: 'string' },
      limit: { type: 'string' },
      role: { type: 'string' },
      pairing: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    // Config problems are the user's to fix: print them plainly, without a stack trace.
    if (err instanceof ConfigError) process.stderr.write(`smmbot: ${err.message}\n`);
    else process.stderr.write(`smmbot: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  },
);

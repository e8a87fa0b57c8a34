import { definePlugin, Stage, SYSTEM_TENANT, Tokens } from '@smmbot/core';
import type { InjectionToken } from 'tsyringe';
import { Accounts } from './accounts.js';
import { AuthFlows } from './auth-flows.js';
import { Codes } from './codes.js';
import { ensureConfiguredOwners } from './configured-owners.js';
import { Delivery } from './delivery.js';
import { type KeyRing, loadKeys } from './keys.js';
import { RateLimiter } from './limits.js';
import { MasterAdmin } from './master.js';
import { workspacesOptions } from './options.js';
import { Otps } from './otp.js';
import { PasswordHasher } from './passwords.js';
import { WorkspaceLimitsToken } from './plan-limits.js';
import { RefreshTokens } from './refresh.js';
import { authRoutes } from './routes/auth.js';
import { masterRoutes } from './routes/master.js';
import { staffRoutes } from './routes/staff.js';
import { Sessions } from './sessions.js';
import { StaffFlows } from './staff.js';

export const PLUGIN_NAME = '@smmbot/workspaces';

/** Workspaces, their users and the phone index; resolve it after `engine.start()`. */
export const AccountsToken = Symbol('smmbot.workspaces.Accounts') as InjectionToken<Accounts>;
/** Sessions (also registered as core's `Tokens.Authenticator`). */
export const SessionsToken = Symbol('smmbot.workspaces.Sessions') as InjectionToken<Sessions>;

/**
 * Workspaces (tenants) with sign-up by phone + WhatsApp code, password sign-in, forgot password,
 * staff numbers and the master admin; sessions as JWTs in HttpOnly cookies. `enforce: 'pre'`: its
 * boot tap gives the configured workspaces their owners and serves the stored workspaces before any
 * other plugin's boot tap runs. Staff numbers are limited by `WorkspaceLimitsToken` when registered.
 */
export const workspaces = definePlugin({
  name: PLUGIN_NAME,
  options: workspacesOptions,
  setup: (options) => ({
    name: PLUGIN_NAME,
    enforce: 'pre',
    apply({ hooks, container, clock, logger, addTenant }) {
      const store = container.resolve(Tokens.Store);
      const kv = container.resolve(Tokens.Kv);
      let keys: KeyRing | undefined;
      const digestKey = () => {
        if (!keys) throw new Error('workspaces: keys are loaded at boot');
        return keys.digest;
      };
      const hasher = new PasswordHasher(options.scrypt);
      const accounts = new Accounts(store, kv, clock);
      const master = new MasterAdmin(options.master, hasher);
      const refresh = new RefreshTokens(kv, clock, digestKey, options.refreshTtlMs);
      const limiter = new RateLimiter(kv, clock);
      const otps = new Otps(kv, clock, digestKey, options.otp);
      const delivery = new Delivery({
        channels: container.resolve(Tokens.Channels),
        outbox: () => container.resolve(Tokens.Outbox),
        clock,
        logger,
        systemChannel: options.systemChannel,
        logCodes: options.logCodes,
      });
      const codes = new Codes(otps, delivery, limiter, options.otp);
      const sessions = new Sessions({
        kv,
        clock,
        accounts,
        refresh,
        master,
        keys: () => keys,
        policy: options,
      });
      const flows = new AuthFlows({
        accounts,
        codes,
        hasher,
        sessions,
        refresh,
        limiter,
        master,
        logger,
        addTenant,
        signup: options.signup,
        login: options.login,
        appName: options.appName,
      });
      const staff = new StaffFlows({
        accounts,
        codes,
        delivery,
        hasher,
        refresh,
        kv,
        logger,
        appName: options.appName,
        loginUrl: options.loginUrl,
        limits: () =>
          container.isRegistered(WorkspaceLimitsToken, true) ? container.resolve(WorkspaceLimitsToken) : undefined,
      });
      container.register(AccountsToken, { useValue: accounts });
      container.register(SessionsToken, { useValue: sessions });
      container.register(Tokens.Authenticator, { useValue: sessions });

      const http = container.resolve(Tokens.Http);
      const routes = [
        ...authRoutes({ plugin: PLUGIN_NAME, flows, sessions, accounts, logger }),
        ...staffRoutes(PLUGIN_NAME, staff),
        ...masterRoutes(PLUGIN_NAME, { flows, sessions, accounts }),
      ];
      for (const route of routes) http.add(route);

      // GUARD in a `pre` plugin: before every other boot tap, so per-tenant set-up sees these tenants.
      hooks.boot.tap(
        'load-workspaces',
        async () => {
          keys = await loadKeys({
            secretKey: options.secretKey,
            jwt: options.jwt,
            kv,
            secrets: container.isRegistered(Tokens.Secrets, true) ? container.resolve(Tokens.Secrets) : undefined,
            logger,
          });
          await master.init(keys.masterJwt);
          await ensureConfiguredOwners({ owners: options.owners, accounts, logger, addTenant });
          let served = 0;
          for (let offset = 0; ; offset += 500) {
            const page = await accounts.listWorkspaces({ limit: 500, offset });
            for (const workspace of page.items) if (await addTenant(workspace.id)) served++;
            if (page.items.length < 500) break;
          }
          if (!options.systemChannel) {
            // The embedded default's normal state: info, not a warning (CLI commands print warnings).
            (options.logCodes ? logger.info.bind(logger) : logger.warn.bind(logger))(
              options.logCodes
                ? 'no systemChannel: sign-up and reset codes are printed in this log (demo / operator use)'
                : 'no systemChannel: sign-up and reset codes cannot be delivered',
            );
          }
          logger.info({ workspaces: served, master: master.configured, scope: SYSTEM_TENANT }, 'workspaces served');
        },
        { stage: Stage.GUARD },
      );
    },
  }),
});

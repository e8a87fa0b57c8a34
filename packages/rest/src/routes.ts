import type { HttpRoute } from '@smmbot/core';
import { balancerRoutes } from './balancer/routes.js';
import { channelRoutes } from './channels/routes.js';
import { configRoutes } from './config/routes.js';
import { customerRoutes } from './customers/routes.js';
import { groupRoutes } from './groups/routes.js';
import { logRoutes } from './logs/routes.js';
import { marketingRoutes } from './marketing/routes.js';
import { providerRoutes } from './providers/routes.js';
import type { Scope } from './scope.js';
import { templateRoutes } from './templates/routes.js';

/** Every route of the REST API, by area. */
export function restRoutes(scope: Scope): HttpRoute[] {
  return [
    ...configRoutes(scope),
    ...logRoutes(scope),
    ...providerRoutes(scope),
    ...groupRoutes(scope),
    ...templateRoutes(scope),
    ...customerRoutes(scope),
    ...marketingRoutes(scope),
    ...balancerRoutes(scope),
    ...channelRoutes(scope),
  ];
}

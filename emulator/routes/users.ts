import { organizationView, userView } from '../views.js';
import { ok, type RouteEntry } from './common.js';

/** The account behind the emulator's API key: one user in one organization, which owns the project. */
export const userRoutes: RouteEntry[] = [
  ['GET', '/users/me', () => ok(userView())],
  ['GET', '/users/me/organizations', (m) => ok({ organizations: [organizationView(m)] })],
];

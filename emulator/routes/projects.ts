import { ApiError } from '../records.js';
import { projectListItemView, projectView } from '../views.js';
import { ok, type RouteEntry } from './common.js';

export const projectRoutes: RouteEntry[] = [
  ['GET', '/projects', (m) => ok({ projects: [projectListItemView(m)], pagination: { cursor: m.projectId }, applications: {}, integrations: {} })],
  ['GET', '/projects/:project_id', (m) => ok({ project: projectView(m) })],
  // No other account shares a project with the emulator's user; the list has no next page.
  ['GET', '/projects/shared', () => ok({ projects: [] })],
  // Project-scoped keys are refused before this (403); the emulator serves one project and keeps it.
  ['DELETE', '/projects/:project_id', () => { throw new ApiError(422, 'the emulator does not delete its project: stop the emulator to discard it'); }],
];

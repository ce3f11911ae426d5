import { app, authentication } from '@microsoft/teams-js';

/** The parts of teams-js the tab uses; host.ts imports this module lazily, and only inside Teams. */
export const teams = { app, authentication };

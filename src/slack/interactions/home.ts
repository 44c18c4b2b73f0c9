import type { App } from '@slack/bolt';
import type { HomePublisher } from '../home.js';
import type { SlackListenerDeps } from '../app.js';

/**
 * The App Home: drawn for whoever opens its Home tab (`app_home_opened`, not the Messages tab), and
 * redrawn for recent viewers when an environment they can see changes (an operation finished, an approval
 * filed or decided, a schedule or extension set).
 */
export function registerHome(app: App, home: HomePublisher, events: SlackListenerDeps['home']): void {
  events?.onChange((environment) => home.changed(environment));
  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return;
    // Drawn by the publisher's queue; a redelivered event (same event id) draws nothing more.
    home.opened(event.user, typeof body.event_id === 'string' ? body.event_id : undefined);
  });
}

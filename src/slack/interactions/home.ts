import type { App } from '@slack/bolt';
import { errorMessage } from '../../log.js';
import type { HomePublisher } from '../home.js';
import type { SlackListenerDeps } from '../app.js';

/**
 * The App Home: drawn for whoever opens its Home tab (`app_home_opened`, not the Messages tab), and
 * redrawn for recent viewers when an environment they can see changes (an operation finished, an approval
 * filed or decided, a schedule or extension set).
 */
export function registerHome(app: App, home: HomePublisher, events: SlackListenerDeps['home']): void {
  events?.onChange((environment) => home.changed(environment));
  app.event('app_home_opened', async ({ event, logger }) => {
    if (event.tab !== 'home') return;
    await home.opened(event.user).catch((error) => logger.warn(`could not publish the App Home: ${errorMessage(error)}`));
  });
}

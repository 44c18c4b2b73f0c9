import { DOCKHAND_VERSION } from '../../package.js';
import { section } from '../blocks/common.js';
import type { CommandModule } from './command-module.js';

/** `/env version`: which dockhand answers; asked before anything else when something behaves oddly, so anyone may ask. */
export const versionCommand: CommandModule = {
  verb: 'version',
  typed: {
    help: { verb: 'version', usage: '/env version', summary: 'which dockhand this is', example: '/env version' },
    parse: () => ({}),
  },
  permission: () => null,
  public: true,
  run: () => {
    const text = `dockhand ${DOCKHAND_VERSION}`;
    return { reply: { text, blocks: [section(text)] }, outcome: 'ok' };
  },
};

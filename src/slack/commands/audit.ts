import type { Environment } from '../../domain/environments.js';
import { isAllowed } from '../../domain/access/permissions.js';
import { auditReply } from '../blocks/audit.js';
import { code } from '../blocks/format.js';
import type { CommandModule } from './command-module.js';

const SHOWN = 25;

/** One environment's trail for anyone who may view it; the whole trail only for those who may view `*`. */
export const auditCommand: CommandModule<{ environment: string | null }> = {
  verb: 'audit',
  typed: {
    help: { verb: 'audit', usage: '/env audit [env]', summary: 'who asked dockhand to do what, and what came of it', example: '/env audit staging-3' },
    parse: (w) => ({ environment: w.optionalName('environment name') }),
  },
  permission: ({ environment }) => (environment === null ? null : { verb: 'view', environment }),
  run(_args, ctx, env: Environment | null) {
    if (env) return { reply: auditReply(ctx.audit.recent(SHOWN, env.name), code(env.name)), environment: env.name, outcome: 'ok' };
    const access = ctx.access();
    const rows = ctx.audit.recent(SHOWN * 4).filter((row) => (row.environment ? isAllowed(access, ctx.subject, 'view', row.environment) : row.actor === ctx.subject.userId));
    return { reply: auditReply(rows.slice(0, SHOWN), 'the environments you can see'), outcome: 'ok' };
  },
};

import type { Environment } from '../../domain/environments.js';
import { holdsOnAll, isAllowed } from '../../domain/access/permissions.js';
import { UsageError, type Words } from '../../domain/command.js';
import { quoted } from '../../domain/bounded-text.js';
import type { AuditScope } from '../../store/audit-store.js';
import { AUDIT_PAGE_ACTION, auditReply } from '../blocks/audit.js';
import { code } from '../blocks/format.js';
import type { CommandModule } from './command-module.js';

const PAGE_SIZE = 25;
const MAX_PAGE = 100_000;

function pageOf(word: string): number {
  const page = /^\d{1,6}$/.test(word) ? Number(word) : NaN;
  if (!(page >= 1 && page <= MAX_PAGE)) throw new UsageError(`\`${quoted(word)}\` is not a page number: use a whole number from 1`);
  return page;
}

/** `[env] [page]`: a lone number is a page (an environment named only by digits takes `/env audit <env> 1`). */
function parseAudit(w: Words): { environment: string | null; page: number } {
  if (w.left === 1 && /^\d+$/.test(w.peek() ?? '')) return { environment: null, page: pageOf(w.take() ?? '') };
  const environment = w.optionalName('environment name');
  return { environment, page: w.left > 0 ? pageOf(w.take() ?? '') : 1 };
}

/**
 * One environment's trail for anyone who may view it; the whole trail only for those who may view `*`; 25 rows
 * a page, counted and read by the store a page at a time.
 */
export const auditCommand: CommandModule<{ environment: string | null; page: number }> = {
  verb: 'audit',
  typed: {
    help: { verb: 'audit', usage: '/env audit [env] [page]', summary: 'who asked dockhand to do what, and what came of it, 25 a page', example: '/env audit staging-3 2' },
    parse: parseAudit,
  },
  buttons: [{ actionId: AUDIT_PAGE_ACTION, text: (value) => `audit ${value}` }],
  permission: ({ environment }) => (environment === null ? null : { verb: 'view', environment }),
  async run({ page }, ctx, env: Environment | null) {
    const offset = (page - 1) * PAGE_SIZE;
    if (env) {
      const found = await ctx.audit.page({ environment: env.name }, PAGE_SIZE, offset);
      return { reply: auditReply({ ...found, page, pageSize: PAGE_SIZE, scope: code(env.name), environment: env.name }), environment: env.name, outcome: 'ok' };
    }
    const access = ctx.access();
    // The environments named in the trail (a few hundred at most), not its rows, are checked against the asker's access.
    const environments = holdsOnAll(access, ctx.subject, 'view', '*') ? 'any' : (await ctx.audit.environments()).filter((name) => isAllowed(access, ctx.subject, 'view', name));
    const scope: AuditScope = { environments, actor: ctx.subject.userId };
    const found = await ctx.audit.page(scope, PAGE_SIZE, offset);
    return { reply: auditReply({ ...found, page, pageSize: PAGE_SIZE, scope: 'the environments you can see', environment: null }), outcome: 'ok' };
  },
};

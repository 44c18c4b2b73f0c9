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

/** `@4711`: the trail as it stood at entry 4711 (no environment name starts with `@`). */
const CURSOR = /^@(\d{1,15})$/;

interface AuditArgs {
  environment: string | null;
  page: number;
  asOf?: number;
}

/**
 * `[env] [page] [@entry]`: a lone number is a page (an environment named only by digits takes `/env audit <env> 1`);
 * `@entry` (what the Older button and the printed next command carry) pages the trail as it was at that entry.
 */
function parseAudit(w: Words): AuditArgs {
  let environment: string | null = null;
  let page = 1;
  const first = w.peek();
  if (first !== undefined && !CURSOR.test(first)) {
    const word = w.take() as string;
    const next = w.peek();
    if (/^\d+$/.test(word) && (next === undefined || CURSOR.test(next))) page = pageOf(word);
    else {
      environment = w.nameOf(word, 'environment name');
      if (next !== undefined && !CURSOR.test(next)) page = pageOf(w.take() as string);
    }
  }
  const cursor = CURSOR.exec(w.peek() ?? '');
  if (!cursor) return { environment, page };
  w.take();
  return { environment, page, asOf: Number(cursor[1]) };
}

export const auditCommand: CommandModule<AuditArgs> = {
  verb: 'audit',
  typed: {
    help: { verb: 'audit', usage: '/env audit [env] [page] [@entry]', summary: 'who asked dockhand to do what, and what came of it, 25 a page; `@entry` (as the Older button sends it) pages the trail as it stood at that entry', example: '/env audit staging-3 2' },
    parse: parseAudit,
  },
  buttons: [{ actionId: AUDIT_PAGE_ACTION, text: (value) => `audit ${value}` }],
  permission: ({ environment }) => (environment === null ? null : { verb: 'view', environment }),
  async run({ page, asOf }, ctx, env: Environment | null) {
    const offset = (page - 1) * PAGE_SIZE;
    if (env) {
      const found = await ctx.audit.page({ environment: env.name }, PAGE_SIZE, offset, asOf);
      return { reply: auditReply({ ...found, page, pageSize: PAGE_SIZE, scope: code(env.name), environment: env.name }), environment: env.name, outcome: 'ok' };
    }
    const access = ctx.access();
    // The environments named in the trail (a few hundred at most), not its rows, are checked against the asker's access.
    const environments = holdsOnAll(access, ctx.subject, 'view', '*') ? 'any' : (await ctx.audit.environments()).filter((name) => isAllowed(access, ctx.subject, 'view', name));
    const scope: AuditScope = { environments, actor: ctx.subject.userId };
    const found = await ctx.audit.page(scope, PAGE_SIZE, offset, asOf);
    return { reply: auditReply({ ...found, page, pageSize: PAGE_SIZE, scope: 'the environments you can see', environment: null }), outcome: 'ok' };
  },
};

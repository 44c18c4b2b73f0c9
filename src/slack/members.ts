import { z } from 'zod';
import type { Clock } from '../domain/clock.js';
import { activeOwnerKeys } from '../domain/idle.js';
import { errorMessage, type Logger } from '../log.js';

const usersPageSchema = z.object({
  ok: z.literal(true),
  members: z.array(
    z.object({
      id: z.string(),
      name: z.string().optional(),
      deleted: z.boolean().optional(),
      is_bot: z.boolean().optional(),
      profile: z.object({ display_name: z.string().optional(), email: z.string().optional() }).optional(),
    }),
  ),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

/** The part of Slack's WebClient this needs (users:read, plus users:read.email for owners tagged by email). */
export interface UsersLister {
  users: { list(args: { limit: number; cursor?: string }): Promise<unknown> };
}

const CACHE_MS = 60 * 60_000;
const PAGE_SIZE = 200;

/**
 * Who is active in the workspace, as owner-tag keys (ids, handles, emails), for the "owner gone" idle rule.
 * Read with users.list at most once an hour; when Slack refuses (a missing scope), the rule is skipped
 * rather than calling every owner gone.
 */
export class SlackMembers {
  private keys: Set<string> | undefined;
  private loadedAt = -Infinity;
  private loading: Promise<Set<string> | undefined> | null = null;

  constructor(
    private readonly client: UsersLister,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  private async load(): Promise<Set<string> | undefined> {
    try {
      const members: Parameters<typeof activeOwnerKeys>[0][number][] = [];
      let cursor: string | undefined;
      do {
        const page = usersPageSchema.parse(await this.client.users.list({ limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }));
        for (const m of page.members) {
          if (m.deleted || m.is_bot) continue;
          members.push({ id: m.id, name: m.name ?? null, displayName: m.profile?.display_name ?? null, email: m.profile?.email ?? null });
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return activeOwnerKeys(members);
    } catch (error) {
      this.logger.warn('cannot list Slack members; the "owner gone" idle rule is skipped', { error: errorMessage(error) });
      return undefined;
    }
  }

  async activeOwners(): Promise<ReadonlySet<string> | undefined> {
    if (this.clock.now().getTime() - this.loadedAt < CACHE_MS) return this.keys;
    this.loading ??= this.load().then((keys) => {
      this.keys = keys;
      this.loadedAt = this.clock.now().getTime();
      this.loading = null;
      return keys;
    });
    return this.loading;
  }
}

import { z } from 'zod';
import type { Clock } from '../domain/clock.js';
import { activeOwnerKeys, ownerKey, type OwnerGroup, type OwnerMember } from '../domain/idle.js';
import type { OwnerMentions } from './blocks/format.js';
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

/** usergroups.list without disabled groups: a disabled group owns nothing. */
const userGroupsSchema = z.object({
  ok: z.literal(true),
  usergroups: z.array(z.object({ id: z.string(), handle: z.string().optional(), date_delete: z.number().optional() })),
});

/**
 * The part of Slack's WebClient this needs: users:read (plus users:read.email for owners tagged by email) and
 * usergroups:read, since an owner tag may name a user group.
 */
export interface UsersLister {
  users: { list(args: { limit: number; cursor?: string }): Promise<unknown> };
  usergroups: { list(args: { include_disabled: boolean }): Promise<unknown> };
}

const CACHE_MS = 60 * 60_000;

interface Loaded {
  keys: Set<string>;
  mentions: Map<string, string>;
}

/**
 * Owner-tag keys (ids, names, display names, emails; group ids and handles) to the mention of whom they
 * name. A key two members share (a display name, say) names nobody for certain and is left out.
 */
export function ownerMentionIndex(members: readonly OwnerMember[], groups: readonly OwnerGroup[]): Map<string, string> {
  const index = new Map<string, string>();
  const ambiguous = new Set<string>();
  const add = (key: string | null | undefined, mention: string) => {
    if (!key) return;
    const k = ownerKey(key);
    if (ambiguous.has(k)) return;
    const known = index.get(k);
    if (known !== undefined && known !== mention) {
      index.delete(k);
      ambiguous.add(k);
    } else index.set(k, mention);
  };
  for (const m of members) for (const key of [m.id, m.name, m.displayName, m.email]) add(key, `<@${m.id}>`);
  for (const g of groups) for (const key of [g.id, g.handle]) add(key, `<!subteam^${g.id}>`);
  return index;
}

/** A failed read is tried again sooner: a scope added later should not wait an hour. */
const RETRY_MS = 5 * 60_000;
const PAGE_SIZE = 200;

/**
 * Who is active in the workspace, as owner-tag keys (user ids, names, emails; user group ids and handles), for
 * the "owner gone" idle rule. Read with users.list and usergroups.list at most once an hour; when Slack
 * refuses either (a missing scope), the rule is skipped rather than calling owners gone.
 */
export class SlackMembers {
  private loaded: Loaded | undefined;
  private loadedAt = -Infinity;
  private loading: Promise<Loaded | undefined> | null = null;

  constructor(
    private readonly client: UsersLister,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  private async load(): Promise<Loaded | undefined> {
    try {
      const members: OwnerMember[] = [];
      let cursor: string | undefined;
      do {
        const page = usersPageSchema.parse(await this.client.users.list({ limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }));
        for (const m of page.members) {
          if (m.deleted || m.is_bot) continue;
          members.push({ id: m.id, name: m.name ?? null, displayName: m.profile?.display_name ?? null, email: m.profile?.email ?? null });
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      const groups: OwnerGroup[] = userGroupsSchema
        .parse(await this.client.usergroups.list({ include_disabled: false }))
        .usergroups.filter((g) => !g.date_delete)
        .map((g) => ({ id: g.id, handle: g.handle ?? null }));
      return { keys: activeOwnerKeys(members, groups), mentions: ownerMentionIndex(members, groups) };
    } catch (error) {
      // Without both lists, an owner that is a group (or a person) could be called gone when it is not.
      this.logger.warn('cannot list Slack members and user groups; the "owner gone" idle rule is skipped', { error: errorMessage(error) });
      return undefined;
    }
  }

  private async current(): Promise<Loaded | undefined> {
    if (this.clock.now().getTime() - this.loadedAt < (this.loaded ? CACHE_MS : RETRY_MS)) return this.loaded;
    this.loading ??= this.load().then((loaded) => {
      this.loaded = loaded;
      this.loadedAt = this.clock.now().getTime();
      this.loading = null;
      return loaded;
    });
    return this.loading;
  }

  async activeOwners(): Promise<ReadonlySet<string> | undefined> {
    return (await this.current())?.keys;
  }

  /** Who an owner tag names, as a mention; undefined when Slack could not be read (owners then stay text). */
  async ownerMentions(): Promise<OwnerMentions | undefined> {
    const mentions = (await this.current())?.mentions;
    return mentions && ((tag: string) => mentions.get(ownerKey(tag)));
  }
}

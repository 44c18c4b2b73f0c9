import { z } from 'zod';

/** How long start-up keeps trying to reach Slack, by default. */
export const DEFAULT_SLACK_CONNECT_TIMEOUT_SECONDS = 120;

const port = z.coerce.number({ error: 'must be a number (a TCP port)' }).int().min(0).max(65535);

/** The values `.env.example` ships with: a copied file left as it is must not look configured. */
export const PLACEHOLDERS: Readonly<Record<string, string>> = { SLACK_BOT_TOKEN: 'xoxb-replace-me', SLACK_APP_TOKEN: 'xapp-replace-me', SLACK_SIGNING_SECRET: 'replace-me' };
const notPlaceholder = (key: string) => (value: string) => value !== PLACEHOLDERS[key];
const PLACEHOLDER_MESSAGE = 'is still the placeholder from .env.example: paste the real value from your Slack app';

/** What to do about a variable set to "" (Docker's env-file sets a bare `KEY=` so), by variable. */
export const EMPTY_HINTS: Readonly<Record<string, string>> = {
  SLACK_BOT_TOKEN: 'set it to the bot token (xoxb-…) from your Slack app’s OAuth page',
  SLACK_SIGNING_SECRET: 'set it, or remove the line and set SLACK_APP_TOKEN for Socket Mode',
  SLACK_APP_TOKEN: 'set it (xapp-…), or remove the line and set SLACK_SIGNING_SECRET for HTTP mode',
  SLACK_API_URL: 'unset it (Slack’s own API is used) or give a URL',
  PORT: 'unset it (default 3000) or give a port number',
  DOCKHAND_CONFIG: 'unset it (default dockhand.yml) or give a path',
  DOCKHAND_POLICY: 'unset it (the DOCKHAND_CONFIG file is read) or give the policy’s YAML',
  DOCKHAND_DB: 'unset it (default ./data/dockhand.db) or give a path',
  DOCKHAND_DB_JOURNAL: 'unset it (default wal) or give wal or delete',
  SLACK_CONNECT_TIMEOUT_SECONDS: 'unset it (default 120) or give a number of seconds',
  LOG_LEVEL: 'unset it (default info) or give debug, info, warn or error',
};

/** Environment variables, named as Slack and AWS users already know them. */
export const envSchema = z
  .object({
    SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, { message: 'a bot token starts with xoxb-' }).refine(notPlaceholder('SLACK_BOT_TOKEN'), PLACEHOLDER_MESSAGE).optional(),
    SLACK_SIGNING_SECRET: z.string().min(1).refine(notPlaceholder('SLACK_SIGNING_SECRET'), PLACEHOLDER_MESSAGE).optional(),
    SLACK_APP_TOKEN: z.string().regex(/^xapp-/, { message: 'an app-level token starts with xapp-' }).refine(notPlaceholder('SLACK_APP_TOKEN'), PLACEHOLDER_MESSAGE).optional(),
    SLACK_API_URL: z.url({ message: 'must be a URL such as https://slack.com/api/' }).optional(),
    PORT: port.default(3000),
    DOCKHAND_CONFIG: z.string().min(1).default('dockhand.yml'),
    /** The policy itself (YAML), instead of a file: how the Terraform module passes it (from an SSM parameter). */
    DOCKHAND_POLICY: z.string().min(1).optional(),
    DOCKHAND_DB: z.string().min(1).default('./data/dockhand.db'),
    /** `postgres://user:password@host:5432/dockhand`: Postgres instead of the SQLite file DOCKHAND_DB. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/i, { message: 'is a Postgres URL: postgres://user:password@host:5432/database' })
      .optional()
      .or(z.literal('').transform(() => undefined)),
    /** `delete` on network file systems (EFS): WAL needs shared memory between processes that NFS does not give. */
    DOCKHAND_DB_JOURNAL: z.enum(['wal', 'delete'], { message: 'is wal (local disk) or delete (network file systems such as EFS)' }).default('wal'),
    /** How long start-up keeps trying to reach Slack before it gives up and exits. */
    SLACK_CONNECT_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(DEFAULT_SLACK_CONNECT_TIMEOUT_SECONDS),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (!env.SLACK_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], input: undefined, message: 'is required: the bot token (xoxb-…) from your Slack app’s OAuth page' });
    }
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        input: undefined,
        message: 'is required in HTTP mode (set SLACK_APP_TOKEN instead to use Socket Mode)',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

/** Secrets are never echoed back, even in error messages. */
export const SECRET_KEYS = new Set(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'DATABASE_URL']);

import { z } from 'zod';

/** How long start-up keeps trying to reach Slack, by default. */
export const DEFAULT_SLACK_CONNECT_TIMEOUT_SECONDS = 120;

const port = z.coerce.number().int().min(0).max(65535);

/** Environment variables, named as Slack and AWS users already know them. */
export const envSchema = z
  .object({
    SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, { message: 'a bot token starts with xoxb-' }).optional(),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    SLACK_APP_TOKEN: z.string().regex(/^xapp-/, { message: 'an app-level token starts with xapp-' }).optional(),
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

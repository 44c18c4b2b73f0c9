/** What `npm start -- --help` prints. */
export const USAGE = `dockhand — operate ECS Fargate environments from Slack

Usage: npm start            (node --env-file-if-exists=.env dist/src/main.js: reads .env when there is one)
       npm start -- --help  (this text)

Environment variables:
  SLACK_BOT_TOKEN       bot token, xoxb-… (required)
  SLACK_SIGNING_SECRET  HTTP mode: verifies Slack's requests (required unless SLACK_APP_TOKEN is set)
  SLACK_APP_TOKEN       app-level token, xapp-…: use Socket Mode instead of HTTP
  SLACK_API_URL         another Slack API base URL (proxies, tests); default https://slack.com/api/
  PORT                  /health/live, /health/ready (/health), /metrics; HTTP mode also /slack/events (default 3000)
  SLACK_CONNECT_TIMEOUT_SECONDS  start-up gives up reaching Slack after this long (default 120)
  DOCKHAND_CONFIG       policy file (default dockhand.yml; see dockhand.example.yml)
  DOCKHAND_POLICY       the policy's YAML itself, used instead of DOCKHAND_CONFIG (the Terraform module's way)
  DOCKHAND_DB           SQLite database (default ./data/dockhand.db)
  DATABASE_URL          postgres://user:password@host:5432/db: use Postgres instead of DOCKHAND_DB
  DOCKHAND_STORE        postgres: Postgres from PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD (the Terraform module's way)
  DOCKHAND_DB_JOURNAL   wal (default) | delete: use delete on network file systems such as EFS
  LOG_LEVEL             debug | info | warn | error (default info)
  AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, …  read by the AWS SDK as usual

AWS timeouts and deadlines are set in the policy file under aws: (connect_timeout_ms, request_timeout_ms,
refresh_deadline_ms, step_deadline_ms); see dockhand.example.yml.

SQLite: one dockhand per database; a second one started on it waits (not ready, no jobs, no Slack) until the
first stops or its lease (instance.lease_seconds in the policy file, default 30) goes unrenewed.
Postgres (DATABASE_URL): run two or more replicas; each serves Slack, the lease holder alone runs the jobs.
`;

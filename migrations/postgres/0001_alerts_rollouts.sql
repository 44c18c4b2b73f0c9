CREATE TABLE "stopped_task_samples" (
	"service_arn" text PRIMARY KEY NOT NULL,
	"at" text NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "degraded_environments" (
	"environment" text PRIMARY KEY NOT NULL,
	"since" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "live_alerts" (
	"alert_key" text NOT NULL,
	"channel" text NOT NULL,
	"environment" text,
	"at_ms" bigint NOT NULL,
	CONSTRAINT "live_alerts_alert_key_channel_pk" PRIMARY KEY("alert_key","channel")
);
--> statement-breakpoint
CREATE TABLE "rollout_follows" (
	"operation_id" integer PRIMARY KEY NOT NULL,
	"verb" text NOT NULL,
	"channel" text NOT NULL,
	"message_ts" text NOT NULL,
	"since" text NOT NULL,
	"read_after" text NOT NULL,
	"deadline" text NOT NULL,
	"services" jsonb NOT NULL,
	"shown" text
);
--> statement-breakpoint
CREATE INDEX "live_alerts_at" ON "live_alerts" USING btree ("at_ms");
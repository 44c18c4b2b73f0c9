DROP TABLE "leader_leases" CASCADE;--> statement-breakpoint
ALTER TABLE "instance_lease" ADD COLUMN "token" bigint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "operations" ADD COLUMN "runner" text;--> statement-breakpoint
ALTER TABLE "operations" ADD COLUMN "runner_expires_at" bigint;
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`verb` text NOT NULL,
	`environment` text,
	`params` text NOT NULL,
	`outcome` text NOT NULL,
	`detail` text,
	`duration_ms` integer
);
--> statement-breakpoint
CREATE INDEX `audit_environment_at` ON `audit_log` (`environment`,`at`);--> statement-breakpoint
CREATE TABLE `inventory_refreshes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text NOT NULL,
	`trigger` text NOT NULL,
	`aws_calls` integer NOT NULL,
	`services` integer NOT NULL,
	`errors` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `services` (
	`arn` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`region` text NOT NULL,
	`cluster` text NOT NULL,
	`name` text NOT NULL,
	`environment` text,
	`status` text NOT NULL,
	`desired` integer NOT NULL,
	`running` integer NOT NULL,
	`pending` integer NOT NULL,
	`task_definition_arn` text,
	`capacity` text NOT NULL,
	`deployments` text NOT NULL,
	`events` text NOT NULL,
	`last_deploy_at` text,
	`tags` text NOT NULL,
	`refreshed_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `services_location` ON `services` (`account`,`region`);--> statement-breakpoint
CREATE INDEX `services_environment` ON `services` (`environment`);--> statement-breakpoint
CREATE TABLE `task_definitions` (
	`arn` text PRIMARY KEY NOT NULL,
	`family` text NOT NULL,
	`cpu` integer NOT NULL,
	`memory_mib` integer NOT NULL,
	`architecture` text NOT NULL
);

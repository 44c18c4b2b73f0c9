CREATE TABLE `stopped_tasks` (
	`task_arn` text PRIMARY KEY NOT NULL,
	`service_arn` text NOT NULL,
	`stopped_at` text NOT NULL,
	`stop_code` text,
	`stopped_reason` text,
	`memory_mib` integer,
	`containers` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stopped_tasks_service` ON `stopped_tasks` (`service_arn`,`stopped_at`);--> statement-breakpoint
CREATE INDEX `stopped_tasks_at` ON `stopped_tasks` (`stopped_at`);
CREATE TABLE `stopped_task_samples` (
	`service_arn` text PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE TABLE `rollout_follows` (
	`operation_id` integer PRIMARY KEY NOT NULL,
	`verb` text NOT NULL,
	`channel` text NOT NULL,
	`message_ts` text NOT NULL,
	`since` text NOT NULL,
	`read_after` text NOT NULL,
	`deadline` text NOT NULL,
	`services` text NOT NULL,
	`shown` text
);

CREATE TABLE `approvals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`environment` text NOT NULL,
	`verb` text NOT NULL,
	`params` text NOT NULL,
	`requested_by` text NOT NULL,
	`request_channel_id` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`reason` text,
	`approval_channel_id` text,
	`approval_message_ts` text,
	`operation_id` integer
);
--> statement-breakpoint
CREATE INDEX `approvals_status_expires` ON `approvals` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `grants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`environments` text NOT NULL,
	`granted_by` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`revoked_by` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE INDEX `grants_user` ON `grants` (`user_id`);--> statement-breakpoint
CREATE TABLE `handled_requests` (
	`key` text PRIMARY KEY NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `operation_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`operation_id` integer NOT NULL,
	`service_arn` text NOT NULL,
	`account` text NOT NULL,
	`region` text NOT NULL,
	`cluster` text NOT NULL,
	`service` text NOT NULL,
	`status` text NOT NULL,
	`detail` text,
	`started_at` text,
	`finished_at` text,
	FOREIGN KEY (`operation_id`) REFERENCES `operations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `operation_steps_operation` ON `operation_steps` (`operation_id`);--> statement-breakpoint
CREATE TABLE `operations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`environment` text NOT NULL,
	`verb` text NOT NULL,
	`params` text NOT NULL,
	`requested_by` text NOT NULL,
	`approved_by` text,
	`status` text NOT NULL,
	`channel_id` text NOT NULL,
	`message_ts` text,
	`started_at` text NOT NULL,
	`finished_at` text,
	`summary` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `operations_one_running_per_environment` ON `operations` (`environment`) WHERE status = 'running';--> statement-breakpoint
CREATE TABLE `parked_services` (
	`service_arn` text PRIMARY KEY NOT NULL,
	`environment` text NOT NULL,
	`account` text NOT NULL,
	`region` text NOT NULL,
	`cluster` text NOT NULL,
	`service` text NOT NULL,
	`desired` integer NOT NULL,
	`min_capacity` integer,
	`max_capacity` integer,
	`parked_at` text NOT NULL,
	`parked_by` text NOT NULL
);

CREATE TABLE `aws_requests` (
	`request_id` text PRIMARY KEY NOT NULL,
	`audit_id` integer NOT NULL,
	FOREIGN KEY (`audit_id`) REFERENCES `audit_log`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `aws_requests_audit` ON `aws_requests` (`audit_id`);--> statement-breakpoint
ALTER TABLE `inventory_refreshes` ADD `failed_locations` text DEFAULT '[]' NOT NULL;
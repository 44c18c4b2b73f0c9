ALTER TABLE `instance_lease` ADD `token` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `operations` ADD `runner` text;--> statement-breakpoint
ALTER TABLE `operations` ADD `runner_expires_at` integer;
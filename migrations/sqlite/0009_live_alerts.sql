CREATE TABLE `degraded_environments` (
	`environment` text PRIMARY KEY NOT NULL,
	`since` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `live_alerts` (
	`alert_key` text NOT NULL,
	`channel` text NOT NULL,
	`environment` text,
	`at_ms` integer NOT NULL,
	PRIMARY KEY(`alert_key`, `channel`)
);
--> statement-breakpoint
CREATE INDEX `live_alerts_at` ON `live_alerts` (`at_ms`);
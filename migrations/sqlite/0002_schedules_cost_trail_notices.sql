CREATE TABLE `environment_schedules` (
	`environment` text PRIMARY KEY NOT NULL,
	`schedule` text NOT NULL,
	`set_by` text NOT NULL,
	`set_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `schedule_overrides` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`environment` text NOT NULL,
	`kind` text NOT NULL,
	`until` text NOT NULL,
	`reason` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`ended_at` text
);
--> statement-breakpoint
CREATE INDEX `schedule_overrides_environment` ON `schedule_overrides` (`environment`,`ended_at`);--> statement-breakpoint
CREATE TABLE `scheduler_environments` (
	`environment` text PRIMARY KEY NOT NULL,
	`grace_until` text,
	`warned_for` text
);
--> statement-breakpoint
CREATE TABLE `scheduler_ticks` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_tick_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `anomaly_alerts` (
	`environment` text NOT NULL,
	`window_start_ms` integer NOT NULL,
	`channel` text NOT NULL,
	`recent_dollars` real NOT NULL,
	`baseline_dollars` real NOT NULL,
	`at` text NOT NULL,
	PRIMARY KEY(`environment`, `window_start_ms`, `channel`)
);
--> statement-breakpoint
CREATE INDEX `anomaly_alerts_window` ON `anomaly_alerts` (`window_start_ms`);--> statement-breakpoint
CREATE TABLE `cost_actuals` (
	`account` text NOT NULL,
	`day` text NOT NULL,
	`environment` text NOT NULL,
	`dollars` real NOT NULL,
	`estimated` integer NOT NULL,
	`fetched_at` text NOT NULL,
	PRIMARY KEY(`account`, `day`, `environment`)
);
--> statement-breakpoint
CREATE INDEX `cost_actuals_day` ON `cost_actuals` (`day`);--> statement-breakpoint
CREATE TABLE `cost_explorer_asks` (
	`account` text PRIMARY KEY NOT NULL,
	`day` text NOT NULL,
	`asked_at` text NOT NULL,
	`pages` integer NOT NULL,
	`final_through` text
);
--> statement-breakpoint
CREATE TABLE `cost_series` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shape_key` text NOT NULL,
	`service_arn` text NOT NULL,
	`account` text NOT NULL,
	`region` text NOT NULL,
	`cluster` text NOT NULL,
	`service` text NOT NULL,
	`environment` text,
	`capacity` text NOT NULL,
	`cpu` integer,
	`memory_mib` integer,
	`architecture` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cost_series_shape_key_unique` ON `cost_series` (`shape_key`);--> statement-breakpoint
CREATE INDEX `cost_series_service` ON `cost_series` (`account`,`region`,`cluster`,`service`);--> statement-breakpoint
CREATE TABLE `digest_posts` (
	`channel` text NOT NULL,
	`local_date` text NOT NULL,
	`status` text NOT NULL,
	`claimed_at` text NOT NULL,
	`ts` text,
	`messages` integer,
	`detail` text,
	PRIMARY KEY(`channel`, `local_date`)
);
--> statement-breakpoint
CREATE TABLE `idle_snoozes` (
	`environment` text PRIMARY KEY NOT NULL,
	`until` text NOT NULL,
	`by` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sample_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`series_id` integer NOT NULL,
	`from_ms` integer NOT NULL,
	`to_ms` integer NOT NULL,
	`running` integer NOT NULL,
	`desired` integer NOT NULL,
	`parked_desired` integer,
	FOREIGN KEY (`series_id`) REFERENCES `cost_series`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sample_runs_series_from` ON `sample_runs` (`series_id`,`from_ms`);--> statement-breakpoint
CREATE INDEX `sample_runs_to` ON `sample_runs` (`to_ms`);--> statement-breakpoint
CREATE TABLE `trail_cursors` (
	`account` text NOT NULL,
	`region` text NOT NULL,
	`event_source` text NOT NULL,
	`end_ms` integer NOT NULL,
	`requests` integer NOT NULL,
	`events` integer NOT NULL,
	PRIMARY KEY(`account`, `region`, `event_source`)
);
--> statement-breakpoint
CREATE TABLE `trail_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`region` text NOT NULL,
	`at_ms` integer NOT NULL,
	`environment` text,
	`flagged` integer NOT NULL,
	`event` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `trail_events_at` ON `trail_events` (`at_ms`);--> statement-breakpoint
CREATE INDEX `trail_events_environment_at` ON `trail_events` (`environment`,`at_ms`);
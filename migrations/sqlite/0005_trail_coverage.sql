CREATE TABLE `trail_failures` (
	`account` text NOT NULL,
	`region` text NOT NULL,
	`event_source` text NOT NULL,
	`at_ms` integer NOT NULL,
	`error` text NOT NULL,
	PRIMARY KEY(`account`, `region`, `event_source`)
);
--> statement-breakpoint
ALTER TABLE `trail_cursors` ADD `start_ms` integer;
-- What makes two requests the same one (requestKey in src/domain/access/approvals.ts), also for the rows filed
-- before the column: an extension is the same whatever its end, other verbs differ by service and count. The
-- default only lets SQLite add a NOT NULL column; every insert sets the key.
DROP INDEX `approvals_pending_once`;--> statement-breakpoint
ALTER TABLE `approvals` ADD `request_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `approvals` SET `request_key` = CASE WHEN `verb` = 'extend' THEN 'extend ' || `environment` ELSE `verb` || ' ' || `environment` || coalesce(' service=' || json_extract(`params`, '$.service'), '') || coalesce(' count=' || json_extract(`params`, '$.count'), '') END;--> statement-breakpoint
-- Extensions of one environment waiting with different ends were different requests until now: the oldest stays, the others are cancelled.
UPDATE `approvals` SET `status` = 'cancelled', `reason` = 'a duplicate of an earlier pending request' WHERE `status` = 'pending' AND `id` NOT IN (SELECT MIN(`id`) FROM `approvals` WHERE `status` = 'pending' GROUP BY `requested_by`, `request_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `approvals_pending_once` ON `approvals` (`requested_by`,`request_key`) WHERE status = 'pending';

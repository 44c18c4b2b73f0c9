-- Identical pending requests filed before this index: the oldest stays, the others are cancelled.
UPDATE `approvals` SET `status` = 'cancelled', `reason` = 'a duplicate of an earlier pending request' WHERE `status` = 'pending' AND `id` NOT IN (SELECT MIN(`id`) FROM `approvals` WHERE `status` = 'pending' GROUP BY `requested_by`, `verb`, `environment`, `params`);--> statement-breakpoint
CREATE UNIQUE INDEX `approvals_pending_once` ON `approvals` (`requested_by`,`verb`,`environment`,`params`) WHERE status = 'pending';

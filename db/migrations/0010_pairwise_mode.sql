ALTER TABLE `projects` ADD `mode` text DEFAULT 'ranking' NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `task_order` text DEFAULT 'even' NOT NULL;--> statement-breakpoint
ALTER TABLE `ranking_revisions` ADD `strength` integer;--> statement-breakpoint
ALTER TABLE `rankings` ADD `strength` integer;
CREATE TABLE `ranking_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ranking_id` integer NOT NULL,
	`version` integer NOT NULL,
	`groups` text NOT NULL,
	`none_acceptable` integer NOT NULL,
	`flags` text NOT NULL,
	`comment` text,
	`seconds_spent` real,
	`submitted_at` integer NOT NULL,
	`superseded_at` integer NOT NULL,
	FOREIGN KEY (`ranking_id`) REFERENCES `rankings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ranking_revisions_ranking_version` ON `ranking_revisions` (`ranking_id`,`version`);--> statement-breakpoint
ALTER TABLE `rankings` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `rankings` ADD `updated_at` integer;
CREATE TABLE `ranking_answers` (
	`ranking_id` integer NOT NULL,
	`completion_id` integer NOT NULL,
	`question_key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`ranking_id`, `completion_id`, `question_key`),
	FOREIGN KEY (`ranking_id`) REFERENCES `rankings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`completion_id`) REFERENCES `completions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ranking_answers_completion` ON `ranking_answers` (`completion_id`);--> statement-breakpoint
ALTER TABLE `projects` ADD `quality_questions` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `ranking_revisions` ADD `answers` text DEFAULT '[]' NOT NULL;
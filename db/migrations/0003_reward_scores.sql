CREATE TABLE `completion_scores` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`completion_id` integer NOT NULL,
	`model_id` integer NOT NULL,
	`score` real NOT NULL,
	`job_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`completion_id`) REFERENCES `completions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `completion_scores_completion_model` ON `completion_scores` (`completion_id`,`model_id`);--> statement-breakpoint
CREATE INDEX `completion_scores_model` ON `completion_scores` (`model_id`);
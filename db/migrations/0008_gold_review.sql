CREATE TABLE `gold_resets` (
	`project_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`reset_at` integer NOT NULL,
	`reset_by` integer,
	PRIMARY KEY(`project_id`, `user_id`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reset_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `task_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`reviewer_id` integer NOT NULL,
	`action` text NOT NULL,
	`groups` text,
	`none_acceptable` integer DEFAULT false NOT NULL,
	`added_rankings` integer,
	`comment` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reviewer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `task_reviews_task` ON `task_reviews` (`task_id`,`id`);--> statement-breakpoint
ALTER TABLE `projects` ADD `gold_share` real DEFAULT 0.1 NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `gold_accuracy_threshold` real DEFAULT 0.6 NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `gold_min_answers` integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `review_agreement_threshold` real DEFAULT 0.6 NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `gold` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `extra_redundancy` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `tasks_project_gold` ON `tasks` (`project_id`) WHERE "tasks"."gold" IS NOT NULL;
-- Demonstrations (lib/demonstrations/): an annotator's ideal answer to a task's prompt, in a project
-- of mode 'demonstration' (a new value of projects.mode: a text column, no SQL change), and the
-- project's choice to show the task's completions as starting points (show_completions).
-- A submitted demonstration counts in tasks.load like a ranking (0012's triggers, same shape), so
-- the assignment rule hands each task to R annotators. It raises the project's version (0011's
-- triggers, same shape) when it is inserted, changed or deleted as submitted, or submitted: drafts
-- are autosaved every few seconds while an annotator types and change no statistic (the annotator's
-- active assignment already counted), so they do not invalidate the statistics cache each time.
CREATE TABLE `demonstrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`assignment_id` integer,
	`text` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`source` text DEFAULT 'annotator' NOT NULL,
	`review` text DEFAULT 'pending' NOT NULL,
	`reviewer_id` integer,
	`review_comment` text,
	`reviewed_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`submitted_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`reviewer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `demonstrations_assignment_id_unique` ON `demonstrations` (`assignment_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `demonstrations_task_user` ON `demonstrations` (`task_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `demonstrations_user` ON `demonstrations` (`user_id`);--> statement-breakpoint
CREATE INDEX `demonstrations_reviewer` ON `demonstrations` (`reviewer_id`);--> statement-breakpoint
ALTER TABLE `projects` ADD `show_completions` integer DEFAULT true NOT NULL;
--> statement-breakpoint
CREATE TRIGGER `demonstrations_insert_project_version` AFTER INSERT ON `demonstrations`
WHEN NEW.status = 'submitted'
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT project_id FROM tasks WHERE id = NEW.task_id);
END;
--> statement-breakpoint
CREATE TRIGGER `demonstrations_delete_project_version` AFTER DELETE ON `demonstrations`
WHEN OLD.status = 'submitted'
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT project_id FROM tasks WHERE id = OLD.task_id);
END;
--> statement-breakpoint
CREATE TRIGGER `demonstrations_update_project_version` AFTER UPDATE ON `demonstrations`
WHEN OLD.status = 'submitted' OR NEW.status = 'submitted'
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (SELECT project_id FROM tasks WHERE id IN (OLD.task_id, NEW.task_id));
END;
--> statement-breakpoint
CREATE TRIGGER `demonstrations_insert_task_load` AFTER INSERT ON `demonstrations`
WHEN NEW.status = 'submitted'
BEGIN
	UPDATE tasks SET load = load + 1 WHERE id = NEW.task_id;
END;
--> statement-breakpoint
CREATE TRIGGER `demonstrations_delete_task_load` AFTER DELETE ON `demonstrations`
WHEN OLD.status = 'submitted'
BEGIN
	UPDATE tasks SET load = load - 1 WHERE id = OLD.task_id;
END;
--> statement-breakpoint
CREATE TRIGGER `demonstrations_update_task_load` AFTER UPDATE OF status, task_id ON `demonstrations`
WHEN (OLD.status = 'submitted') IS NOT (NEW.status = 'submitted') OR (OLD.status = 'submitted' AND OLD.task_id IS NOT NEW.task_id)
BEGIN
	UPDATE tasks SET load = load - 1 WHERE id = OLD.task_id AND OLD.status = 'submitted';
	UPDATE tasks SET load = load + 1 WHERE id = NEW.task_id AND NEW.status = 'submitted';
END;

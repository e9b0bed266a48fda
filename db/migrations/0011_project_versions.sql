-- project_versions: each project's data version, raised by the triggers below in the same
-- transaction as every write that can change the project's statistics, whatever code or process
-- makes it (lib/stats/change-stamp.ts reads it). A row's write raises its own project's version
-- (an UPDATE raises the old row's and the new row's); a change of a user's email, name, role or
-- disabled flag, or a user's deletion, raises every project's (users are global, and rare to change).
-- assignments count only on insert, delete and a change of status (an open one submitted, skipped
-- or expired), task or user: not on their other columns. projects: every column.
-- comparisons have no INSERT trigger: they are derived from their ranking and written in the
-- ranking's transaction (lib/labeling/save-ranking.ts, the import's switch-in), whose insert or
-- update raises the version; a trigger per comparison (6 per ranking at K = 4) cost an import's
-- writes 30% more CPU against 10% for all the others, and a submit's 20% against 1%
-- (bench/project-versions.ts). Their deletes and updates count.
CREATE TABLE `project_versions` (
	`project_id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Every existing project gets its version row (new ones get it from projects_insert_project_version).
INSERT INTO `project_versions` (`project_id`, `version`) SELECT `id`, cast(unixepoch('subsec') * 1000 as integer) FROM `projects`;
--> statement-breakpoint
CREATE TRIGGER `tasks_insert_project_version` AFTER INSERT ON `tasks`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = NEW.project_id;
END;
--> statement-breakpoint
CREATE TRIGGER `tasks_delete_project_version` AFTER DELETE ON `tasks`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = OLD.project_id;
END;
--> statement-breakpoint
CREATE TRIGGER `tasks_update_project_version` AFTER UPDATE ON `tasks`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (OLD.project_id, NEW.project_id);
END;
--> statement-breakpoint
CREATE TRIGGER `completions_insert_project_version` AFTER INSERT ON `completions`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT project_id FROM tasks WHERE id = NEW.task_id);
END;
--> statement-breakpoint
CREATE TRIGGER `completions_delete_project_version` AFTER DELETE ON `completions`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT project_id FROM tasks WHERE id = OLD.task_id);
END;
--> statement-breakpoint
CREATE TRIGGER `completions_update_project_version` AFTER UPDATE ON `completions`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (SELECT project_id FROM tasks WHERE id IN (OLD.task_id, NEW.task_id));
END;
--> statement-breakpoint
CREATE TRIGGER `rankings_insert_project_version` AFTER INSERT ON `rankings`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT project_id FROM tasks WHERE id = NEW.task_id);
END;
--> statement-breakpoint
CREATE TRIGGER `rankings_delete_project_version` AFTER DELETE ON `rankings`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT project_id FROM tasks WHERE id = OLD.task_id);
END;
--> statement-breakpoint
CREATE TRIGGER `rankings_update_project_version` AFTER UPDATE ON `rankings`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (SELECT project_id FROM tasks WHERE id IN (OLD.task_id, NEW.task_id));
END;
--> statement-breakpoint
CREATE TRIGGER `task_reviews_insert_project_version` AFTER INSERT ON `task_reviews`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT project_id FROM tasks WHERE id = NEW.task_id);
END;
--> statement-breakpoint
CREATE TRIGGER `task_reviews_delete_project_version` AFTER DELETE ON `task_reviews`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT project_id FROM tasks WHERE id = OLD.task_id);
END;
--> statement-breakpoint
CREATE TRIGGER `task_reviews_update_project_version` AFTER UPDATE ON `task_reviews`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (SELECT project_id FROM tasks WHERE id IN (OLD.task_id, NEW.task_id));
END;
--> statement-breakpoint
CREATE TRIGGER `gold_resets_insert_project_version` AFTER INSERT ON `gold_resets`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = NEW.project_id;
END;
--> statement-breakpoint
CREATE TRIGGER `gold_resets_delete_project_version` AFTER DELETE ON `gold_resets`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = OLD.project_id;
END;
--> statement-breakpoint
CREATE TRIGGER `gold_resets_update_project_version` AFTER UPDATE ON `gold_resets`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (OLD.project_id, NEW.project_id);
END;
--> statement-breakpoint
CREATE TRIGGER `ranking_revisions_insert_project_version` AFTER INSERT ON `ranking_revisions`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT t.project_id FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE r.id = NEW.ranking_id);
END;
--> statement-breakpoint
CREATE TRIGGER `ranking_revisions_delete_project_version` AFTER DELETE ON `ranking_revisions`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT t.project_id FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE r.id = OLD.ranking_id);
END;
--> statement-breakpoint
CREATE TRIGGER `ranking_revisions_update_project_version` AFTER UPDATE ON `ranking_revisions`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (SELECT t.project_id FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE r.id IN (OLD.ranking_id, NEW.ranking_id));
END;
--> statement-breakpoint
CREATE TRIGGER `ranking_flags_insert_project_version` AFTER INSERT ON `ranking_flags`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT t.project_id FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE r.id = NEW.ranking_id);
END;
--> statement-breakpoint
CREATE TRIGGER `ranking_flags_delete_project_version` AFTER DELETE ON `ranking_flags`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT t.project_id FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE r.id = OLD.ranking_id);
END;
--> statement-breakpoint
CREATE TRIGGER `ranking_flags_update_project_version` AFTER UPDATE ON `ranking_flags`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (SELECT t.project_id FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE r.id IN (OLD.ranking_id, NEW.ranking_id));
END;
--> statement-breakpoint
CREATE TRIGGER `ranking_answers_insert_project_version` AFTER INSERT ON `ranking_answers`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT t.project_id FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE r.id = NEW.ranking_id);
END;
--> statement-breakpoint
CREATE TRIGGER `ranking_answers_delete_project_version` AFTER DELETE ON `ranking_answers`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT t.project_id FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE r.id = OLD.ranking_id);
END;
--> statement-breakpoint
CREATE TRIGGER `ranking_answers_update_project_version` AFTER UPDATE ON `ranking_answers`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (SELECT t.project_id FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE r.id IN (OLD.ranking_id, NEW.ranking_id));
END;
--> statement-breakpoint
CREATE TRIGGER `comparisons_delete_project_version` AFTER DELETE ON `comparisons`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT t.project_id FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE r.id = OLD.ranking_id);
END;
--> statement-breakpoint
CREATE TRIGGER `comparisons_update_project_version` AFTER UPDATE ON `comparisons`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (SELECT t.project_id FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE r.id IN (OLD.ranking_id, NEW.ranking_id));
END;
--> statement-breakpoint
CREATE TRIGGER `assignments_insert_project_version` AFTER INSERT ON `assignments`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT project_id FROM tasks WHERE id = NEW.task_id);
END;
--> statement-breakpoint
CREATE TRIGGER `assignments_delete_project_version` AFTER DELETE ON `assignments`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id = (SELECT project_id FROM tasks WHERE id = OLD.task_id);
END;
--> statement-breakpoint
CREATE TRIGGER `assignments_update_project_version` AFTER UPDATE OF status, task_id, user_id ON `assignments`
WHEN OLD.status IS NOT NEW.status OR OLD.task_id IS NOT NEW.task_id OR OLD.user_id IS NOT NEW.user_id
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (SELECT project_id FROM tasks WHERE id IN (OLD.task_id, NEW.task_id));
END;
--> statement-breakpoint
CREATE TRIGGER `projects_insert_project_version` AFTER INSERT ON `projects`
BEGIN
	INSERT INTO project_versions (project_id, version) VALUES (NEW.id, cast(unixepoch('subsec') * 1000 as integer));
END;
--> statement-breakpoint
CREATE TRIGGER `projects_update_project_version` AFTER UPDATE ON `projects`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (OLD.id, NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER `prompts_update_project_version` AFTER UPDATE ON `prompts`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (OLD.project_id, NEW.project_id);
END;
--> statement-breakpoint
CREATE TRIGGER `users_update_project_version` AFTER UPDATE OF email, name, role, disabled ON `users`
WHEN OLD.email IS NOT NEW.email OR OLD.name IS NOT NEW.name OR OLD.role IS NOT NEW.role OR OLD.disabled IS NOT NEW.disabled
BEGIN
	UPDATE project_versions SET version = version + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `users_delete_project_version` AFTER DELETE ON `users`
BEGIN
	UPDATE project_versions SET version = version + 1;
END;

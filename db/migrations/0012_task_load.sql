-- tasks.load: each task's rankings plus its assignments marked active, kept by the triggers below
-- in the transaction of every write to rankings or assignments, whatever code or process makes it.
-- The assignment rule walks tasks_project_load (project, load, id) to the next task instead of
-- counting every task's rankings and assignments on each request (~1 s at 200k tasks).
-- tasks_update_project_version (0011) is narrowed to the columns other than load, so that a load
-- change (already counted by its ranking's or assignment's own project-version trigger) does not
-- raise the project's version a second time.
DROP TRIGGER IF EXISTS `tasks_update_project_version`;
--> statement-breakpoint
ALTER TABLE `tasks` ADD `load` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `tasks` SET `load` = (SELECT count(*) FROM `rankings` r WHERE r.`task_id` = `tasks`.`id`)
	+ (SELECT count(*) FROM `assignments` a WHERE a.`task_id` = `tasks`.`id` AND a.`status` = 'active');
--> statement-breakpoint
CREATE INDEX `tasks_project_load` ON `tasks` (`project_id`,`load`,`id`) WHERE "tasks"."gold" IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_project_extra` ON `tasks` (`project_id`) WHERE "tasks"."extra_redundancy" > 0;--> statement-breakpoint
CREATE INDEX `assignments_active_expiry` ON `assignments` (`expires_at`) WHERE "assignments"."status" = 'active';
--> statement-breakpoint
CREATE TRIGGER `tasks_update_project_version` AFTER UPDATE OF id, project_id, prompt_id, gold, extra_redundancy, created_at ON `tasks`
BEGIN
	UPDATE project_versions SET version = version + 1 WHERE project_id IN (OLD.project_id, NEW.project_id);
END;
--> statement-breakpoint
CREATE TRIGGER `rankings_insert_task_load` AFTER INSERT ON `rankings`
BEGIN
	UPDATE tasks SET load = load + 1 WHERE id = NEW.task_id;
END;
--> statement-breakpoint
CREATE TRIGGER `rankings_delete_task_load` AFTER DELETE ON `rankings`
BEGIN
	UPDATE tasks SET load = load - 1 WHERE id = OLD.task_id;
END;
--> statement-breakpoint
CREATE TRIGGER `rankings_update_task_load` AFTER UPDATE OF task_id ON `rankings`
WHEN OLD.task_id IS NOT NEW.task_id
BEGIN
	UPDATE tasks SET load = load - 1 WHERE id = OLD.task_id;
	UPDATE tasks SET load = load + 1 WHERE id = NEW.task_id;
END;
--> statement-breakpoint
CREATE TRIGGER `assignments_insert_task_load` AFTER INSERT ON `assignments`
WHEN NEW.status = 'active'
BEGIN
	UPDATE tasks SET load = load + 1 WHERE id = NEW.task_id;
END;
--> statement-breakpoint
CREATE TRIGGER `assignments_delete_task_load` AFTER DELETE ON `assignments`
WHEN OLD.status = 'active'
BEGIN
	UPDATE tasks SET load = load - 1 WHERE id = OLD.task_id;
END;
--> statement-breakpoint
CREATE TRIGGER `assignments_update_task_load` AFTER UPDATE OF status, task_id ON `assignments`
WHEN (OLD.status = 'active') IS NOT (NEW.status = 'active') OR (OLD.status = 'active' AND OLD.task_id IS NOT NEW.task_id)
BEGIN
	UPDATE tasks SET load = load - 1 WHERE id = OLD.task_id AND OLD.status = 'active';
	UPDATE tasks SET load = load + 1 WHERE id = NEW.task_id AND NEW.status = 'active';
END;

CREATE INDEX `comparisons_chosen` ON `comparisons` (`chosen_id`);--> statement-breakpoint
CREATE INDEX `comparisons_rejected` ON `comparisons` (`rejected_id`);--> statement-breakpoint
CREATE INDEX `ranking_flags_completion` ON `ranking_flags` (`completion_id`);
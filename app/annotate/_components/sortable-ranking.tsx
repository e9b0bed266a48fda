"use client";
// The cards in their ranked order, draggable (dnd-kit: pointer, and the handle from the keyboard).
// It shows the draft and reports what the annotator did; the page's state lives elsewhere.
import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent } from "@dnd-kit/core";
import { rectSortingStrategy, SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { useMemo } from "react";
import type { Flag } from "@/db/schema";
import type { AnswerValue, QualityQuestion } from "@/lib/labeling/questions";
import { groupBounds, rankLabels, type AnswerMap, type Draft, type Twins } from "@/lib/labeling/submission-draft";
import type { Layout } from "../_hooks/use-layout";
import { CompletionCard } from "./completion-card";

export interface SortableRankingProps {
  order: Draft;
  twins: Twins;
  letters: ReadonlyMap<number, string>;
  texts: ReadonlyMap<number, string>;
  flags: Readonly<Record<number, string[]>>;
  flagMenuFor: number | null;
  questions: readonly QualityQuestion[];
  answers: Readonly<AnswerMap>;
  layout: Layout;
  /** Card `id` dropped on the place of index `to`. */
  onMove(id: number, to: number): void;
  onToggleTie(id: number, tied: boolean): void;
  onToggleFlag(id: number, flag: Flag): void;
  onAnswer(id: number, key: string, value: AnswerValue | null): void;
  onFlagMenu(id: number, open: boolean): void;
  onDragging(dragging: boolean): void;
}

const NO_ANSWERS: Readonly<Record<string, AnswerValue>> = {};

export function SortableRanking(props: SortableRankingProps) {
  const { order, twins, letters, texts, flags, flagMenuFor, layout } = props;
  const labels = useMemo(() => rankLabels(order), [order]);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    props.onDragging(false);
    if (!over || active.id === over.id) return;
    const id = Number(active.id);
    if (twins.get(id)?.includes(Number(over.id))) return; // dropped on its own twin: it stays
    props.onMove(
      id,
      order.findIndex((r) => r.id === Number(over.id)),
    );
  };

  let group = -1;
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragStart={() => props.onDragging(true)}
      onDragEnd={onDragEnd}
      onDragCancel={() => props.onDragging(false)}
    >
      <SortableContext items={order.map((r) => r.id)} strategy={layout === "side" ? rectSortingStrategy : verticalListSortingStrategy}>
        <ol data-testid="ranking-list" data-layout={layout} className={layout === "side" ? "grid grid-cols-1 gap-3 md:grid-cols-2" : "flex flex-col gap-3"}>
          {order.map((row, i) => {
            if (groupBounds(order, i)[0] === i) group++;
            const twinsOfRow = twins.get(row.id) ?? [];
            return (
              <li key={row.id} className="min-w-0">
                <CompletionCard
                  id={row.id}
                  letter={letters.get(row.id) ?? "?"}
                  text={texts.get(row.id) ?? ""}
                  rank={labels[i]}
                  groupIndex={group}
                  index={i}
                  tiedAbove={row.tiedAbove}
                  sameAs={twinsOfRow.filter((id) => id !== row.id).map((id) => letters.get(id) ?? "?")}
                  twinOfAbove={i > 0 && twinsOfRow.includes(order[i - 1].id)}
                  flags={(flags[row.id] ?? []) as Flag[]}
                  flagMenuOpen={flagMenuFor === row.id}
                  questions={props.questions}
                  answers={props.answers[row.id] ?? NO_ANSWERS}
                  onAnswer={(key, value) => props.onAnswer(row.id, key, value)}
                  onToggleTie={() => props.onToggleTie(row.id, !row.tiedAbove)}
                  onToggleFlag={(f) => props.onToggleFlag(row.id, f)}
                  onFlagMenu={(open) => props.onFlagMenu(row.id, open)}
                />
              </li>
            );
          })}
        </ol>
      </SortableContext>
    </DndContext>
  );
}

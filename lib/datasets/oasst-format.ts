// The `oasst` import format: Open-Assistant message trees, JSONL, one tree per line
// ({message_tree_id, tree_state, prompt: message}, each message with `message_id`, `text`,
// `role` (prompter | assistant), `rank`, `deleted`, `synthetic`, `model_name`, `replies`), as in
// oasst1/oasst2's `*.trees.jsonl` exports.
//
// Every prompter message with two or more usable assistant replies becomes a task: its prompt is
// the conversation from the root down to that message (prompter → user, assistant → assistant),
// its completions are those replies in the tree's order, and the replies' `rank` (0 = best;
// equal ranks are ties) becomes an imported ranking.
//
// Decisions:
// - A reply with a null or missing `rank` was never ranked (it arrived after the ranking round):
//   it is left out of the task. When fewer than two ranked replies remain, the message yields no
//   task. Its subtree is still walked: the conversations below it are real.
// - A `deleted` message is left out together with its whole subtree (moderators removed it).
// - `synthetic` replies (written by a model during data collection) are kept like any other: they
//   were ranked by people. The completion's metadata records `synthetic` and the model is
//   `model_name`.
// - Replies alternate: a prompter's replies are assistant messages and an assistant's replies are
//   prompter messages; a tree that breaks this is an invalid line.
// - Replies nest at most MAX_REPLY_DEPTH levels below the prompt (Open-Assistant's conversations
//   are a few dozen messages at the very most): a deeper line is an invalid line, found by an
//   iterative walk before the recursive schema and walks run, so a line of 100k nested replies
//   (which JSON.parse reads fine) is a line error, not a stack overflow.
import { z } from "zod";
import type { Message } from "../../db/schema";
import type { NewCompletion } from "../tasks";
import { describeIssues, type ImportRecord, type LineParser } from "./record";

interface OasstMessage {
  message_id: string;
  text: string;
  role: "prompter" | "assistant";
  rank?: number | null;
  deleted?: boolean | null;
  synthetic?: boolean | null;
  model_name?: string | null;
  lang?: string | null;
  replies?: OasstMessage[] | null;
}

const messageSchema: z.ZodType<OasstMessage> = z.lazy(() =>
  z.object({
    message_id: z.string(),
    text: z.string(),
    role: z.enum(["prompter", "assistant"]),
    rank: z.number().int().min(0).nullish(),
    deleted: z.boolean().nullish(),
    synthetic: z.boolean().nullish(),
    model_name: z.string().nullish(),
    lang: z.string().nullish(),
    replies: z.array(messageSchema).nullish(),
  }),
);

const treeSchema = z.object(
  {
    message_tree_id: z.string().optional(),
    prompt: messageSchema,
  },
  { error: (iss) => (iss.code === "invalid_type" && iss.input !== undefined ? "expected a JSON object" : undefined) },
);

const ROLE: Record<OasstMessage["role"], Message["role"]> = { prompter: "user", assistant: "assistant" };

/** The first reply in the tree whose role does not alternate with its parent's, as an error path. */
function alternationError(message: OasstMessage, path: string): string | null {
  for (const [i, reply] of (message.replies ?? []).entries()) {
    const replyPath = `${path}.replies[${i}]`;
    if (reply.role === message.role)
      return `${replyPath}.role: a ${message.role} message's replies must be ${message.role === "prompter" ? "assistant" : "prompter"} messages`;
    const deeper = alternationError(reply, replyPath);
    if (deeper) return deeper;
  }
  return null;
}

function completionOf(reply: OasstMessage): NewCompletion {
  return {
    text: reply.text,
    model: reply.model_name ?? null,
    metadata: { oasst_message_id: reply.message_id, rank: reply.rank, synthetic: reply.synthetic ?? false },
  };
}

/** Groups of completion indices by ascending rank; equal ranks share a group. */
function rankGroups(ranks: number[]): number[][] {
  const order = ranks.map((rank, index) => ({ rank, index })).sort((a, b) => a.rank - b.rank || a.index - b.index);
  const groups: number[][] = [];
  let last: number | null = null;
  for (const { rank, index } of order) {
    if (rank === last) groups[groups.length - 1].push(index);
    else groups.push([index]);
    last = rank;
  }
  return groups;
}

/** The tasks of one tree, depth first in the file's order. */
export function treeRecords(root: OasstMessage, treeId: string | null): ImportRecord[] {
  const records: ImportRecord[] = [];
  const walk = (message: OasstMessage, context: Message[]) => {
    if (message.deleted) return;
    const conversation = [...context, { role: ROLE[message.role], content: message.text }];
    const replies = (message.replies ?? []).filter((r) => !r.deleted);
    if (message.role === "prompter") {
      const ranked = replies.filter((r): r is OasstMessage & { rank: number } => typeof r.rank === "number");
      if (ranked.length >= 2) {
        records.push({
          messages: conversation,
          completions: ranked.map(completionOf),
          externalId: message.message_id,
          promptMetadata: { source: "oasst", message_tree_id: treeId, lang: message.lang ?? null },
          ranking: rankGroups(ranked.map((r) => r.rank)),
        });
      }
    }
    for (const reply of replies) walk(reply, conversation);
  };
  walk(root, []);
  return records;
}

/** Levels of replies allowed below the prompt. */
export const MAX_REPLY_DEPTH = 64;

/** True when some message of the tree lies more than `limit` levels of replies below the prompt (walked without recursion). */
function repliesTooDeep(value: unknown, limit: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  const stack: [unknown, number][] = [[(value as { prompt?: unknown }).prompt, 0]];
  while (stack.length > 0) {
    const [message, depth] = stack.pop()!;
    if (typeof message !== "object" || message === null) continue;
    const replies = (message as { replies?: unknown }).replies;
    if (!Array.isArray(replies) || replies.length === 0) continue;
    if (depth + 1 > limit) return true;
    for (const reply of replies) stack.push([reply, depth + 1]);
  }
  return false;
}

export const parseOasstLine: LineParser = (value) => {
  if (repliesTooDeep(value, MAX_REPLY_DEPTH)) return { error: `prompt: replies nested deeper than ${MAX_REPLY_DEPTH} levels` };
  const parsed = treeSchema.safeParse(value);
  if (!parsed.success) return { error: describeIssues(parsed.error.issues, value) };
  const { prompt, message_tree_id } = parsed.data;
  if (prompt.role !== "prompter") return { error: `prompt.role: a tree starts with a prompter message, got "${prompt.role}"` };
  const broken = alternationError(prompt, "prompt");
  if (broken) return { error: broken };
  return { records: treeRecords(prompt, message_tree_id ?? null) };
};

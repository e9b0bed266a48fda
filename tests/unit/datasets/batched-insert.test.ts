// Rows added to a BatchedInsert reach the table in the order they were added, whatever the
// statement size; buffered rows are written only by a full statement or a flush, and a discard
// drops them.
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BatchedInsert } from "@/lib/datasets/batched-insert";

function table() {
  const sqlite = new Database(":memory:");
  sqlite.exec("CREATE TABLE t (n INTEGER NOT NULL, text TEXT, extra TEXT)");
  return sqlite;
}

const rows = (sqlite: Database.Database) => sqlite.prepare("SELECT n, text, extra FROM t ORDER BY rowid").raw().all();

describe("BatchedInsert", () => {
  it("writes every row in order, several per statement and the rest at flush", () => {
    const sqlite = table();
    const insert = new BatchedInsert(sqlite, "t (n, text, extra)", 3, 4);
    const expected: unknown[][] = [];
    for (let n = 0; n < 10; n++) {
      const row = [n, `text ${n}`, n % 3 === 0 ? null : "x"];
      insert.add(...row);
      expected.push(row);
      // Full statements are written as soon as they are full; the rest waits for flush.
      expect(rows(sqlite)).toHaveLength(Math.floor((n + 1) / 4) * 4);
    }
    insert.flush();
    expect(rows(sqlite)).toEqual(expected);
    insert.flush();
    expect(rows(sqlite)).toHaveLength(10);
  });

  it("drops the buffered rows on discard", () => {
    const sqlite = table();
    const insert = new BatchedInsert(sqlite, "t (n, text, extra)", 3, 4);
    insert.add(1, "a", null);
    insert.add(2, "b", null);
    insert.discard();
    insert.add(3, "c", null);
    insert.flush();
    expect(rows(sqlite)).toEqual([[3, "c", null]]);
  });

  it("refuses a row with the wrong number of values, naming the table", () => {
    const insert = new BatchedInsert(table(), "t (n, text, extra)", 3);
    expect(() => insert.add(1, "a")).toThrow("t (n, text, extra): expected 3 values, got 2");
  });
});

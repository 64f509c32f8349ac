//! Helpers for building parameterised SQL. Only placeholders are generated here; values are always
//! bound, never spliced into the text.
//!
//! PostgreSQL numbers its placeholders (`$1`); SQLite takes anonymous `?` in generated lists,
//! because sqlx looks up every named or numbered SQLite parameter by name, a linear scan per
//! parameter that makes a 2,000-value insert quadratic (it was 30% of `custos demo`'s time).

use std::fmt::Write;

use custos_core::ids::EntityId;
use sqlx::AnyConnection;

use crate::error::StoreError;

/// The placeholder style of the connection's database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholders {
    /// `?`, bound in order.
    Anonymous,
    /// `$1`, `$2`, …
    Numbered,
}

impl Placeholders {
    pub(crate) fn of(conn: &AnyConnection) -> Self {
        if conn.backend_name().eq_ignore_ascii_case("sqlite") {
            Self::Anonymous
        } else {
            Self::Numbered
        }
    }

    /// The `n`th placeholder (from 1) of a statement.
    pub(crate) fn placeholder(self, n: usize) -> String {
        let mut sql = String::new();
        self.push(&mut sql, n);
        sql
    }

    fn push(self, sql: &mut String, n: usize) {
        match self {
            Self::Anonymous => sql.push('?'),
            // Writing to a String cannot fail.
            Self::Numbered => drop(write!(sql, "${n}")),
        }
    }
}

/// `head` followed by `rows` groups of `cols` placeholders: for a multi-row INSERT,
/// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)`.
pub(crate) fn multi_row(style: Placeholders, head: &str, rows: usize, cols: usize) -> sqlx::AssertSqlSafe<String> {
    let mut sql = String::with_capacity(head.len() + rows * cols * 6);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            style.push(&mut sql, r * cols + c + 1);
        }
        sql.push(')');
    }
    sqlx::AssertSqlSafe(sql)
}

/// `head` followed by a parenthesised list of `n` placeholders: for `WHERE id IN ($1, $2, $3)`.
pub(crate) fn in_list(style: Placeholders, head: &str, n: usize) -> sqlx::AssertSqlSafe<String> {
    let mut sql = String::with_capacity(head.len() + n * 5 + 2);
    sql.push_str(head);
    sql.push_str(" (");
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        style.push(&mut sql, i + 1);
    }
    sql.push(')');
    sqlx::AssertSqlSafe(sql)
}

/// Inserts `(entity id, label, key)` rows into a derived index (`head` names the table and its three
/// columns), in statements of 300 rows, skipping rows already there: an index is rebuilt from the
/// records, so two processes rebuilding at once, or a duplicate's keys repeating its primary's,
/// must not fail the write.
pub(crate) async fn insert_index_rows(
    conn: &mut AnyConnection,
    head: &str,
    rows: &[(EntityId, &str, String)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(300) {
        let mut sql = multi_row(Placeholders::of(conn), head, chunk.len(), 3);
        sql.0.push_str(" ON CONFLICT DO NOTHING");
        let mut q = sqlx::query(sql);
        for (id, label, key) in chunk {
            q = q.bind(id.as_bytes().to_vec()).bind(*label).bind(key.clone());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Placeholders::{Anonymous, Numbered};

    #[test]
    fn placeholders_are_listed_row_by_row() {
        assert_eq!(multi_row(Numbered, "INSERT INTO t (a, b)", 2, 2).0, "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        assert_eq!(multi_row(Anonymous, "INSERT INTO t (a, b)", 2, 2).0, "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
        assert_eq!(multi_row(Numbered, "INSERT INTO t (a)", 1, 1).0, "INSERT INTO t (a) VALUES ($1)");
        assert_eq!(in_list(Numbered, "SELECT a FROM t WHERE a IN", 3).0, "SELECT a FROM t WHERE a IN ($1, $2, $3)");
        assert_eq!(in_list(Anonymous, "SELECT a FROM t WHERE a IN", 2).0, "SELECT a FROM t WHERE a IN (?, ?)");
    }
}

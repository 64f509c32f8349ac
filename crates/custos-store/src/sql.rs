//! Helpers for building parameterised SQL. Only placeholders are generated here; values are always
//! bound, never spliced into the text.

use std::fmt::Write;

/// `head` followed by `rows` groups of `cols` numbered placeholders: for a multi-row INSERT,
/// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)`. Both backends accept `$n` placeholders.
pub(crate) fn multi_row(head: &str, rows: usize, cols: usize) -> sqlx::AssertSqlSafe<String> {
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
            // Writing to a String cannot fail.
            let _ = write!(sql, "${}", r * cols + c + 1);
        }
        sql.push(')');
    }
    sqlx::AssertSqlSafe(sql)
}

/// `head` followed by a parenthesised list of `n` placeholders: for `WHERE id IN ($1, $2, $3)`.
pub(crate) fn in_list(head: &str, n: usize) -> sqlx::AssertSqlSafe<String> {
    let mut sql = String::with_capacity(head.len() + n * 5 + 2);
    sql.push_str(head);
    sql.push_str(" (");
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        let _ = write!(sql, "${}", i + 1);
    }
    sql.push(')');
    sqlx::AssertSqlSafe(sql)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_row_by_row() {
        assert_eq!(multi_row("INSERT INTO t (a, b)", 2, 2).0, "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        assert_eq!(multi_row("INSERT INTO t (a)", 1, 1).0, "INSERT INTO t (a) VALUES ($1)");
        assert_eq!(in_list("SELECT a FROM t WHERE a IN", 3).0, "SELECT a FROM t WHERE a IN ($1, $2, $3)");
    }
}

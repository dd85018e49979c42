//! A statement and its parameters, as plain data: the repository builds `Query` values and a
//! backend binds them (`db::sqlite`, `db::postgres`), so the SQL is written once for both.
//!
//! Every parameter keeps its type even when it is NULL: PostgreSQL needs to know that a NULL is a
//! `uuid` or a `timestamptz` to compare or store it.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// One statement with `$1, $2, ...` placeholders (both dialects read them) and its parameters.
#[derive(Debug, Clone)]
pub struct Query {
    pub sql: Cow<'static, str>,
    pub args: Vec<Arg>,
}

impl Query {
    pub fn new(sql: impl Into<Cow<'static, str>>) -> Query {
        Query {
            sql: sql.into(),
            args: Vec::new(),
        }
    }

    /// The next parameter (`$n` where n is the number bound so far plus one).
    pub fn bind(mut self, value: impl ToArg) -> Query {
        self.args.push(value.to_arg());
        self
    }

    /// Several parameters in a row (an `IN (...)` list).
    pub fn bind_all<T: ToArg>(mut self, values: impl IntoIterator<Item = T>) -> Query {
        self.args.extend(values.into_iter().map(ToArg::to_arg));
        self
    }
}

/// A parameter value; `None` is a NULL of that type.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Uuid(Option<Uuid>),
    Text(Option<String>),
    /// `INTEGER` columns (PostgreSQL `int4`).
    Int32(Option<i32>),
    /// `BIGINT` columns, counts and limits.
    Int64(Option<i64>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    Bytes(Option<Vec<u8>>),
    /// A list of texts as one parameter, read by [`Backend::in_list`](super::Backend::in_list).
    TextList(Option<Vec<String>>),
}

/// A Rust value that can be bound as a parameter.
pub trait ToArg {
    fn to_arg(self) -> Arg;
    /// The NULL of this type (for `Option<Self>`).
    fn null() -> Arg;
}

impl<T: ToArg> ToArg for Option<T> {
    fn to_arg(self) -> Arg {
        match self {
            Some(v) => v.to_arg(),
            None => T::null(),
        }
    }
    fn null() -> Arg {
        T::null()
    }
}

impl ToArg for Uuid {
    fn to_arg(self) -> Arg {
        Arg::Uuid(Some(self))
    }
    fn null() -> Arg {
        Arg::Uuid(None)
    }
}

impl ToArg for &str {
    fn to_arg(self) -> Arg {
        Arg::Text(Some(self.to_owned()))
    }
    fn null() -> Arg {
        Arg::Text(None)
    }
}

impl ToArg for String {
    fn to_arg(self) -> Arg {
        Arg::Text(Some(self))
    }
    fn null() -> Arg {
        Arg::Text(None)
    }
}

impl ToArg for &String {
    fn to_arg(self) -> Arg {
        self.as_str().to_arg()
    }
    fn null() -> Arg {
        Arg::Text(None)
    }
}

impl ToArg for i32 {
    fn to_arg(self) -> Arg {
        Arg::Int32(Some(self))
    }
    fn null() -> Arg {
        Arg::Int32(None)
    }
}

impl ToArg for i64 {
    fn to_arg(self) -> Arg {
        Arg::Int64(Some(self))
    }
    fn null() -> Arg {
        Arg::Int64(None)
    }
}

impl ToArg for bool {
    fn to_arg(self) -> Arg {
        Arg::Bool(Some(self))
    }
    fn null() -> Arg {
        Arg::Bool(None)
    }
}

impl ToArg for DateTime<Utc> {
    fn to_arg(self) -> Arg {
        Arg::Time(Some(self))
    }
    fn null() -> Arg {
        Arg::Time(None)
    }
}

impl ToArg for NaiveDate {
    fn to_arg(self) -> Arg {
        Arg::Date(Some(self))
    }
    fn null() -> Arg {
        Arg::Date(None)
    }
}

impl ToArg for &[String] {
    fn to_arg(self) -> Arg {
        Arg::TextList(Some(self.to_vec()))
    }
    fn null() -> Arg {
        Arg::TextList(None)
    }
}

impl ToArg for &[u8] {
    fn to_arg(self) -> Arg {
        Arg::Bytes(Some(self.to_vec()))
    }
    fn null() -> Arg {
        Arg::Bytes(None)
    }
}

/// Placeholders `$first, $first+1, ...` for an `IN` list of `n` values.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_keep_their_type() {
        let q = Query::new("x")
            .bind(None::<Uuid>)
            .bind(None::<&str>)
            .bind(Some(3i32));
        assert_eq!(
            q.args,
            [Arg::Uuid(None), Arg::Text(None), Arg::Int32(Some(3))]
        );
    }

    #[test]
    fn placeholders_number_from_first() {
        assert_eq!(placeholders(3, 2), "$3, $4");
        assert_eq!(placeholders(1, 0), "");
    }
}

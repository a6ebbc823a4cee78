//! Static types the checker gives expressions, so that `r.三级指标 + 1` or `r.全年预算` are
//! reported before any form is read.

use std::fmt;

/// The type of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    /// Unknown until run time (accepted everywhere).
    Any,
    /// A number.
    Num,
    /// Text.
    Text,
    /// A truth value.
    Bool,
    /// A list of elements of one type.
    List(Box<Ty>),
    /// Any list (function signatures).
    AnyList,
    /// A table of named values.
    Map(Box<Ty>),
    /// A row of the named form table (`指标`, or `申报表.指标` on a compared form).
    Row(String),
    /// A form of the named kind (`自评表`), in a cross-check pack.
    Form(String),
    /// A list of records a builtin returns (`pairs`, `match_rows`).
    Records(&'static str),
    /// A record a builtin returns (`配对`, `指标对`), its fields typed by `lang::builtins::record_fields`.
    Record(&'static str),
    /// A value read by the value grammar.
    Parsed,
    /// Function result: the element type of the first argument.
    Elem,
    /// Function result: the type of the first argument.
    Same,
}

impl Ty {
    /// Whether a value of type `self` may stand where `want` is expected.
    pub(crate) fn fits(&self, want: &Ty) -> bool {
        match (self, want) {
            (Ty::Any, _) | (_, Ty::Any) => true,
            (Ty::List(_) | Ty::Records(_), Ty::AnyList) => true,
            (Ty::Records(a), Ty::List(b)) => Ty::Record(a).fits(b),
            (Ty::List(a), Ty::List(b)) => a.fits(b),
            (Ty::Map(a), Ty::Map(b)) => a.fits(b),
            (a, b) => a == b,
        }
    }

    /// The element type, for lists.
    pub(crate) fn elem(&self) -> Option<Ty> {
        match self {
            Ty::List(e) => Some((**e).clone()),
            Ty::Records(r) => Some(Ty::Record(r)),
            Ty::Any | Ty::AnyList => Some(Ty::Any),
            _ => None,
        }
    }

    /// The common type of two branches or list elements.
    pub(crate) fn join(&self, other: &Ty) -> Ty {
        if self == other {
            self.clone()
        } else {
            Ty::Any
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Any | Ty::Elem | Ty::Same => f.write_str("任意值"),
            Ty::Num => f.write_str("数字"),
            Ty::Text => f.write_str("文字"),
            Ty::Bool => f.write_str("真假值"),
            Ty::List(e) => write!(f, "{e}的列表"),
            Ty::AnyList => f.write_str("列表"),
            Ty::Map(e) => write!(f, "{e}的对照表"),
            Ty::Row(t) => write!(f, "“{t}”表的一行"),
            Ty::Form(k) => write!(f, "一张{k}"),
            Ty::Record(r) => write!(f, "“{r}”记录"),
            Ty::Records(r) => write!(f, "“{r}”记录的列表"),
            Ty::Parsed => f.write_str("指标值（value() 的结果）"),
        }
    }
}

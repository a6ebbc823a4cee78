//! TEMPORARY stub of the value grammar (replaced by the real module on merge).
#![allow(missing_docs, unused_variables, dead_code)]
use rust_decimal::Decimal;

#[derive(Debug, Clone, Default)]
pub struct Units {}
impl Units {
    pub fn new() -> Self { Units {} }
    pub fn add_unit(&mut self, unit: &str) {}
    pub fn add_alias(&mut self, alias: &str, canonical: &str) {}
    pub fn add_scale(&mut self, unit: &str, factor: Decimal, base: &str) {}
    pub fn set_money_base(&mut self, unit: &str) {}
    pub fn canonical(&self, unit: &str) -> String { unit.to_string() }
    pub fn base(&self, unit: &str) -> (Decimal, String) { (Decimal::ONE, unit.to_string()) }
    pub fn is_money(&self, unit: &str) -> bool { unit == "元" }
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator { Eq, Ge, Gt, Le, Lt }
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity { pub cmp: Option<Comparator>, pub amount: Decimal, pub unit: Option<String> }
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Quantity(Quantity),
    DateBound { year: i32, month: u32, day: Option<u32> },
    Date { year: i32, month: u32, day: Option<u32> },
    Words(String),
}
pub fn parse(text: &str, units: &Units) -> Parsed { Parsed::Words(text.trim().to_string()) }
pub fn convert(q: &Quantity, unit: &str, units: &Units) -> Option<Decimal> { None }
pub fn comparable(target: &Quantity, actual: &Quantity, units: &Units) -> Option<(Decimal, Decimal)> { None }
pub fn met(target: &Parsed, actual: &Parsed, units: &Units) -> Option<bool> { None }
pub fn round_half_up(d: Decimal, dp: u32) -> Decimal { d.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero) }
pub fn parse_number(text: &str) -> Option<Decimal> { None }

#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(init: entry::install_panic_hook(), |data: &[u8]| entry::check_sniffed(data));

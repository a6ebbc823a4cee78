//! Rendered report text kept in a temporary file until the run can write it: the JSON
//! report's closing `files` member, and a cross-checked batch's reports until the batch is
//! known to need no cross-check findings. So memory does not grow with the number of files
//! (docs/performance.md). When the file cannot be written, the text is kept in memory instead.

use formlint::report::Spill;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

/// A temporary file (deleted when dropped) holding pieces of text in order.
pub struct TempSpill {
    file: Option<(PathBuf, BufWriter<File>)>,
    /// What could not go to the file, after what did.
    memory: String,
}

impl TempSpill {
    /// A new, empty spill in the system's temporary folder (in memory if none can be made).
    pub fn new() -> TempSpill {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "formlint-{}-{n}-{}.spill",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos())
        ));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .ok()
            .map(|f| (path, BufWriter::with_capacity(64 << 10, f)));
        TempSpill {
            file,
            memory: String::new(),
        }
    }

    /// Forgets the file (it is deleted).
    fn close(&mut self) {
        if let Some((path, w)) = self.file.take() {
            drop(w);
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Spill for TempSpill {
    fn push(&mut self, piece: &str) {
        if !self.memory.is_empty() {
            self.memory.push_str(piece);
            return;
        }
        let ok = match &mut self.file {
            Some((_, w)) => w.write_all(piece.as_bytes()).is_ok(),
            None => false,
        };
        if !ok {
            // the file is full or gone: what it holds still comes first, this after it
            self.memory.push_str(piece);
        }
    }

    fn drain(&mut self, out: &mut dyn FnMut(&str)) {
        if let Some((_, w)) = &mut self.file {
            let read_back = w.flush().is_ok()
                && w.get_mut().seek(SeekFrom::Start(0)).is_ok()
                && copy_text(w.get_mut(), out).is_ok();
            if !read_back {
                eprintln!("formlint: 无法读回临时文件，报告不完整 (temporary file unreadable)");
            }
        }
        self.close();
        out(&std::mem::take(&mut self.memory));
    }
}

impl Drop for TempSpill {
    fn drop(&mut self) {
        self.close();
    }
}

/// Hands the UTF-8 text of `r` to `out` in pieces of about 64 KiB (never splitting a character).
fn copy_text(r: &mut File, out: &mut dyn FnMut(&str)) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 << 10];
    let mut have = 0;
    loop {
        let n = r.read(&mut buf[have..])?;
        have += n;
        let valid = match std::str::from_utf8(&buf[..have]) {
            Ok(s) => s.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "not UTF-8",
                ))
            }
        };
        if valid > 0 {
            out(std::str::from_utf8(&buf[..valid]).expect("checked"));
        }
        buf.copy_within(valid..have, 0);
        have -= valid;
        if n == 0 {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_come_back_in_order_and_the_file_goes() {
        let mut s = TempSpill::new();
        let path = s.file.as_ref().map(|(p, _)| p.clone()).expect("a file");
        let piece = "文件“甲”,\n".repeat(5000);
        for i in 0..20 {
            s.push(&format!("{i}:{piece}"));
        }
        let mut back = String::new();
        s.drain(&mut |p| back.push_str(p));
        let want: String = (0..20).map(|i| format!("{i}:{piece}")).collect();
        assert_eq!(back, want);
        assert!(!path.exists());
    }
}

//! The parts of packages inflated with one inflate state for all of them (one per thread).
//!
//! The zip reader sets up a fresh inflate state for every part it reads, and zeroing its window
//! costs more than inflating a form's small parts. [`Inflater`] keeps one state and resets it
//! between parts; each thread keeps one from package to package. It takes only the plain case, a deflated part that inflates whole, within
//! its declared size and with its CRC; for anything else it gives `None` and
//! [`super::Package::verify`] reads that part with the zip reader as before, so every damaged
//! part is still refused in the zip reader's words. A test checks that both ways refuse and
//! keep the same parts on every fixture and on damaged copies of them.

use flate2::{Decompress, FlushDecompress, Status};

/// What inflating one part came to, when it is certain to be what the zip reader gives.
#[derive(Debug, PartialEq)]
pub(super) enum Inflated {
    /// The whole part: how many bytes it inflates to, and those bytes when they were kept.
    Whole {
        /// Its inflated size.
        size: u64,
        /// Its bytes, when they fitted what was to be kept.
        bytes: Option<Vec<u8>>,
    },
    /// It inflates past the cap on one part (and not past its declared size).
    TooLarge,
}

/// One raw-deflate state reused from part to part, and the buffer it inflates into.
pub(super) struct Inflater {
    state: Decompress,
    chunk: Vec<u8>,
}

thread_local! {
    /// This thread's inflater, kept from package to package: a batch's worker makes one.
    static THREAD_INFLATER: std::cell::RefCell<Inflater> = std::cell::RefCell::new(Inflater::new());
}

/// Runs `f` with this thread's inflater (made on the thread's first package, not per package).
/// [`Inflater::inflate`] resets its state first, so nothing of an earlier part, or of one a
/// panic interrupted, carries over.
pub(super) fn with_thread_inflater<R>(f: impl FnOnce(&mut Inflater) -> R) -> R {
    THREAD_INFLATER.with_borrow_mut(f)
}

/// Bytes inflated per step (a form's sheet part is 10–100 KB).
const CHUNK: usize = 32 << 10;

impl Inflater {
    /// A state for raw deflate streams (zip entries have no zlib header).
    pub(super) fn new() -> Self {
        Inflater {
            state: Decompress::new(false),
            chunk: vec![0; CHUNK],
        }
    }

    /// Inflates the deflate stream `data` of a part that declares `declared` bytes and CRC
    /// `crc`, keeping its bytes if it inflates to at most `limit` (`0` keeps nothing), as the
    /// zip reader's chunked read in `verify` keeps them. `cap` is the most one part may
    /// inflate to. `None` wherever the zip reader might answer otherwise: a broken or
    /// truncated stream, more bytes than declared, a CRC that does not match.
    pub(super) fn inflate(
        &mut self,
        data: &[u8],
        declared: u64,
        crc: u32,
        limit: usize,
        cap: u64,
    ) -> Option<Inflated> {
        self.state.reset(false);
        let mut hasher = crc32fast::Hasher::new();
        let mut input = data;
        let mut total: u64 = 0;
        let mut keep = limit > 0;
        let mut bytes = Vec::with_capacity(if keep { limit.min(1 << 20) } else { 0 });
        loop {
            let (was_in, was_out) = (self.state.total_in(), self.state.total_out());
            let status = self
                .state
                .decompress(input, &mut self.chunk, FlushDecompress::None)
                .ok()?;
            let consumed = usize::try_from(self.state.total_in() - was_in).ok()?;
            let produced = usize::try_from(self.state.total_out() - was_out).ok()?;
            input = input.get(consumed..)?;
            let out = self.chunk.get(..produced)?;
            total = total.checked_add(produced as u64)?;
            if total > declared {
                return None;
            }
            if total > cap {
                return Some(Inflated::TooLarge);
            }
            hasher.update(out);
            keep = keep && bytes.len() + produced <= limit;
            if keep {
                bytes.extend_from_slice(out);
            } else if bytes.capacity() > 0 {
                bytes = Vec::new();
            }
            match status {
                Status::StreamEnd => break,
                // no input left (a truncated stream) or a stream that does not advance
                _ if consumed == 0 && produced == 0 => return None,
                _ => {}
            }
        }
        (hasher.finalize() == crc).then_some(Inflated::Whole {
            size: total,
            bytes: keep.then_some(bytes),
        })
    }
}

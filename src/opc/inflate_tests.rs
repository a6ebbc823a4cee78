//! [`Package::verify`] with one reused inflate state refuses and keeps exactly what it does
//! with the zip reader alone.

use super::{Inflated, Inflater, Package, MAX_PART_BYTES};
use std::path::{Path, PathBuf};

/// Every workbook under `tests/fixtures`.
fn workbooks(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            workbooks(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        {
            out.push(p);
        }
    }
}

/// Verifies `bytes` both ways; `None` when it is no zip at all.
fn both(bytes: &[u8]) -> Option<()> {
    let mut fast = Package::open(bytes).ok()?;
    let mut zip = Package::open(bytes).ok()?;
    zip.reuse_inflate = false;
    let (a, b) = (fast.verify(), zip.verify());
    assert_eq!(a, b, "verify");
    assert!(fast.kept == zip.kept, "kept parts differ");
    Some(())
}

/// The central directory entries' offsets (`PK\x01\x02`).
fn directory_entries(bytes: &[u8]) -> Vec<usize> {
    bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"PK\x01\x02")
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn reused_inflate_state_agrees_with_the_zip_reader() {
    let mut files = Vec::new();
    workbooks(Path::new("tests/fixtures"), &mut files);
    assert!(files.len() > 100, "fixtures found: {}", files.len());
    let (mut checked, mut taken) = (0, 0);
    for path in &files {
        let bytes = std::fs::read(path).expect("fixture");
        if both(&bytes).is_none() {
            continue;
        }
        checked += 1;
        // the fast path is taken on the real parts
        let mut pkg = Package::open(&bytes).expect("opened");
        let mut inflater = Inflater::new();
        for i in 0..pkg.names.len() {
            if pkg.names[i].ends_with(".xml")
                && matches!(
                    pkg.inflate_raw(i, &mut inflater, usize::MAX),
                    Some(Inflated::Whole { .. })
                )
            {
                taken += 1;
            }
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("mem-") {
            continue; // bombs: inflating them once each way is enough
        }
        // damaged copies: bytes flipped across the file, cut short, and each entry's
        // declared CRC and size made wrong in the central directory
        let mut copies: Vec<Vec<u8>> = Vec::new();
        for k in 1..=24 {
            let mut b = bytes.clone();
            let at = b.len() * k / 25;
            b[at] ^= 0x5A;
            copies.push(b);
        }
        for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 30] {
            copies.push(bytes[..cut].to_vec());
        }
        for cd in directory_entries(&bytes).into_iter().take(4) {
            for (field, change) in [(16, 1u32), (24, u32::MAX), (24, 0x8000_0000)] {
                let mut b = bytes.clone();
                if let Some(v) = b.get_mut(cd + field..cd + field + 4) {
                    let old = u32::from_le_bytes([v[0], v[1], v[2], v[3]]);
                    let new = if change == 1 {
                        old ^ 1
                    } else {
                        old.wrapping_add(change)
                    };
                    v.copy_from_slice(&new.to_le_bytes());
                }
                copies.push(b);
            }
        }
        for copy in &copies {
            both(copy);
        }
    }
    assert!(checked > 80, "workbooks verified: {checked}");
    assert!(taken > 300, "parts inflated with the reused state: {taken}");
}

#[test]
fn a_part_past_the_cap_is_too_large_and_one_past_its_declared_size_is_left_to_zip() {
    use flate2::{write::DeflateEncoder, Compression};
    use std::io::Write;
    let mut e = DeflateEncoder::new(Vec::new(), Compression::fast());
    e.write_all(&vec![b'a'; 100_000]).expect("deflate");
    let data = e.finish().expect("deflate");
    let crc = crc32fast::hash(&vec![b'a'; 100_000]);
    let mut inf = Inflater::new();
    let whole = inf.inflate(&data, 100_000, crc, 100_000, MAX_PART_BYTES);
    assert!(
        matches!(whole, Some(Inflated::Whole { size: 100_000, bytes: Some(ref b) }) if b.len() == 100_000)
    );
    // kept only when it fits what is to be kept
    let not_kept = inf.inflate(&data, 100_000, crc, 99_999, MAX_PART_BYTES);
    assert_eq!(
        not_kept,
        Some(Inflated::Whole {
            size: 100_000,
            bytes: None
        })
    );
    assert_eq!(
        inf.inflate(&data, 100_000, crc, 100_000, 50_000),
        Some(Inflated::TooLarge)
    );
    assert_eq!(inf.inflate(&data, 99_999, crc, 0, MAX_PART_BYTES), None);
    assert_eq!(
        inf.inflate(&data, 100_000, crc ^ 1, 0, MAX_PART_BYTES),
        None
    );
    assert_eq!(
        inf.inflate(&data[..data.len() / 2], 100_000, crc, 0, MAX_PART_BYTES),
        None
    );
    // and the state is still good for the next part
    assert!(matches!(
        inf.inflate(&data, 100_000, crc, 0, MAX_PART_BYTES),
        Some(Inflated::Whole { .. })
    ));
}

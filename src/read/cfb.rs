//! A small, bounded reader of OLE compound files (MS-CFB): the container of legacy `.xls`
//! (and WPS `.et`) workbooks and of encrypted OOXML packages.
//!
//! Only what the `.xls` reader needs: the directory's entry names and one stream's bytes.
//! Every sector number is checked against the file, every chain is followed at most once per
//! sector (a loop ends it), and a stream is never longer than the file, so a hostile container
//! cannot make the reader allocate more than the input or spin.

/// The first bytes of an OLE compound file.
pub(crate) const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Sector numbers at or above this are markers, not sectors.
const MAX_REGULAR: u32 = 0xFFFF_FFFA;

/// An opened compound file: its sector size, allocation tables and directory.
pub(crate) struct Cfb<'a> {
    bytes: &'a [u8],
    sector: usize,
    mini_sector: usize,
    mini_cutoff: u64,
    fat: Vec<u32>,
    minifat: Vec<u32>,
    entries: Vec<Entry>,
}

/// One directory entry (a storage or a stream).
struct Entry {
    name: String,
    kind: u8,
    start: u32,
    size: u64,
}

/// Reads little-endian numbers at an offset, `None` past the end.
fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

impl<'a> Cfb<'a> {
    /// Opens the container; `None` when its header, tables or directory are unusable.
    pub(crate) fn open(bytes: &'a [u8]) -> Option<Cfb<'a>> {
        if !bytes.starts_with(&MAGIC) || bytes.len() < 512 {
            return None;
        }
        let sector = match u16_at(bytes, 0x1E)? {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        let mini_sector = 1usize << u16_at(bytes, 0x20)?.min(12);
        let mut cfb = Cfb {
            bytes,
            sector,
            mini_sector,
            mini_cutoff: u64::from(u32_at(bytes, 0x38)?),
            fat: Vec::new(),
            minifat: Vec::new(),
            entries: Vec::new(),
        };
        // The FAT's own sectors: 109 in the header, the rest in a chain of DIFAT sectors (all
        // of them, as calamine takes them, whatever the header's count says).
        let mut fat_list: Vec<u32> = (0..109)
            .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
            .filter(|&s| s < MAX_REGULAR)
            .collect();
        let mut difat = u32_at(bytes, 0x44)?;
        let mut seen = 0usize;
        while difat < MAX_REGULAR && seen <= cfb.sector_count() {
            let data = cfb.sector_bytes(difat)?;
            let per = sector / 4 - 1;
            fat_list.extend(
                (0..per)
                    .filter_map(|i| u32_at(data, 4 * i))
                    .filter(|&s| s < MAX_REGULAR),
            );
            difat = u32_at(data, 4 * per)?;
            seen += 1;
        }
        fat_list.truncate(cfb.sector_count());
        let mut fat = Vec::with_capacity(fat_list.len() * sector / 4);
        for s in fat_list {
            let data = cfb.sector_bytes(s)?;
            fat.extend((0..sector / 4).filter_map(|i| u32_at(data, 4 * i)));
        }
        cfb.fat = fat;
        let dir = cfb.chain(u32_at(bytes, 0x30)?, None)?;
        cfb.entries = dir
            .chunks_exact(128)
            .map(|e| {
                let len = (u16_at(e, 64).unwrap_or(0) as usize).min(64);
                let units: Vec<u16> = e[..len.saturating_sub(2)]
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                Entry {
                    name: String::from_utf16_lossy(&units),
                    kind: e[66],
                    start: u32_at(e, 116).unwrap_or(END_OF_CHAIN),
                    size: u64_at(e, 120).unwrap_or(0),
                }
            })
            .collect();
        if cfb.entries.first().is_none_or(|root| root.kind != 5) {
            return None;
        }
        // The mini stream and its table, as calamine reads them when the header declares any:
        // both chains must be sound (no loop), or calamine would never finish reading them.
        if u32_at(bytes, 0x40)? > 0 {
            let minifat = cfb.chain(u32_at(bytes, 0x3C)?, None)?;
            cfb.minifat = (0..minifat.len() / 4)
                .filter_map(|i| u32_at(&minifat, 4 * i))
                .collect();
            let root = &cfb.entries[0];
            cfb.chain(root.start, Some(usize::try_from(root.size).ok()?))?;
        }
        Some(cfb)
    }

    /// Whether the directory has an entry named `name` (case-insensitive, as CFB compares).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.kind != 0 && e.name.eq_ignore_ascii_case(name))
    }

    /// The bytes of the stream named `name`, `None` when absent or unreadable.
    pub(crate) fn stream(&self, name: &str) -> Option<Vec<u8>> {
        let e = self
            .entries
            .iter()
            .find(|e| e.kind == 2 && e.name.eq_ignore_ascii_case(name))?;
        let size = usize::try_from(e.size).ok()?.min(self.bytes.len());
        if e.size < self.mini_cutoff {
            let root = &self.entries[0];
            let mini = self.chain(root.start, Some(usize::try_from(root.size).ok()?))?;
            let mut out = Vec::with_capacity(size);
            let mut s = e.start;
            let mut steps = 0;
            while s < MAX_REGULAR && out.len() < size && steps <= self.minifat.len() {
                let at = s as usize * self.mini_sector;
                out.extend_from_slice(mini.get(at..at + self.mini_sector)?);
                s = *self.minifat.get(s as usize)?;
                steps += 1;
            }
            out.truncate(size);
            return (out.len() == size).then_some(out);
        }
        let out = self.chain(e.start, Some(size))?;
        (out.len() == size).then_some(out)
    }

    /// Sectors in the file after the header.
    fn sector_count(&self) -> usize {
        (self.bytes.len() / self.sector).saturating_sub(1)
    }

    /// One sector's bytes.
    fn sector_bytes(&self, s: u32) -> Option<&'a [u8]> {
        let at = (s as usize + 1).checked_mul(self.sector)?;
        self.bytes.get(at..at + self.sector)
    }

    /// The bytes of a FAT chain, up to `limit` bytes; `None` when the chain revisits a sector
    /// (a loop: calamine would follow it forever) or leaves the file.
    fn chain(&self, start: u32, limit: Option<usize>) -> Option<Vec<u8>> {
        let limit = limit.unwrap_or(self.bytes.len()).min(self.bytes.len());
        let mut seen = vec![false; self.sector_count() + 1];
        let mut out = Vec::new();
        let mut s = start;
        while s != END_OF_CHAIN && out.len() < limit {
            let visited = seen.get_mut(s as usize)?;
            if *visited {
                return None;
            }
            *visited = true;
            out.extend_from_slice(self.sector_bytes(s)?);
            s = *self.fat.get(s as usize)?;
        }
        out.truncate(limit);
        Some(out)
    }
}

//! A look at an ELF file's headers before `dlopen` maps it.
//!
//! `dlopen` of a file cut short (a half-copied plugin) maps segments past the end of the file,
//! and the first touch of them kills the whole process with SIGBUS before the loader can refuse
//! anything. So the loader first checks that the file holds everything its headers promise:
//! the program header table, every `PT_LOAD` segment's bytes, and the section header table.
//! Files that are not ELF at all are left to `dlopen`, which refuses them cleanly.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

const PT_LOAD: u64 = 1;

/// Reads little- or big-endian integers at offsets of an ELF header.
struct Reader {
    file: File,
    len: u64,
    big_endian: bool,
}

impl Reader {
    fn bytes<const N: usize>(&self, offset: u64) -> Result<[u8; N], String> {
        let mut buf = [0u8; N];
        if offset
            .checked_add(N as u64)
            .is_none_or(|end| end > self.len)
        {
            return Err(format!(
                "the file ends at byte {} but its ELF headers continue past it (truncated?)",
                self.len
            ));
        }
        self.file
            .read_exact_at(&mut buf, offset)
            .map_err(|e| format!("cannot read the ELF headers: {e}"))?;
        Ok(buf)
    }

    fn u16(&self, offset: u64) -> Result<u64, String> {
        let b = self.bytes::<2>(offset)?;
        Ok(u64::from(if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }))
    }

    fn u32(&self, offset: u64) -> Result<u64, String> {
        let b = self.bytes::<4>(offset)?;
        Ok(u64::from(if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }))
    }

    fn u64(&self, offset: u64) -> Result<u64, String> {
        let b = self.bytes::<8>(offset)?;
        Ok(if self.big_endian {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        })
    }

    /// A word: 4 bytes in ELF32, 8 in ELF64.
    fn word(&self, offset: u64, wide: bool) -> Result<u64, String> {
        if wide {
            self.u64(offset)
        } else {
            self.u32(offset)
        }
    }
}

/// `Err(reason)` when `path` is an ELF file shorter than its own headers say; `Ok` for a
/// complete ELF file and for anything that is not ELF.
pub(crate) fn check_complete(path: &Path) -> Result<(), String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let len = file
        .metadata()
        .map_err(|e| format!("cannot read its size: {e}"))?
        .len();
    let mut ident = [0u8; 16];
    if len < 16 || file.read_exact_at(&mut ident, 0).is_err() || &ident[..4] != b"\x7fELF" {
        return Ok(());
    }
    let wide = match ident[4] {
        1 => false,
        2 => true,
        other => return Err(format!("unknown ELF class {other}")),
    };
    let r = Reader {
        file,
        len,
        big_endian: ident[5] == 2,
    };
    // Offsets of the header fields differ between ELF32 and ELF64.
    let (phoff, shoff, phentsize) = if wide { (32, 40, 54) } else { (28, 32, 42) };
    let ph_offset = r.word(phoff, wide)?;
    let sh_offset = r.word(shoff, wide)?;
    let ph_size = r.u16(phentsize)?;
    let ph_count = r.u16(phentsize + 2)?;
    let sh_size = r.u16(phentsize + 4)?;
    let sh_count = r.u16(phentsize + 6)?;
    let table_end = |offset: u64, size: u64, count: u64| offset.saturating_add(size * count);
    if table_end(ph_offset, ph_size, ph_count) > len {
        return Err(format!(
            "truncated: the program headers end past the file's {len} bytes"
        ));
    }
    if sh_count > 0 && table_end(sh_offset, sh_size, sh_count) > len {
        return Err(format!(
            "truncated: the section headers end past the file's {len} bytes"
        ));
    }
    for i in 0..ph_count {
        let header = ph_offset + i * ph_size;
        if r.u32(header)? != PT_LOAD {
            continue;
        }
        let (offset, filesz) = if wide {
            (r.u64(header + 8)?, r.u64(header + 32)?)
        } else {
            (r.u32(header + 4)?, r.u32(header + 16)?)
        };
        if offset.saturating_add(filesz) > len {
            return Err(format!(
                "truncated: a loadable segment needs bytes up to {} but the file has {len}",
                offset.saturating_add(filesz)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("shipmux-elf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_complete_library_passes_and_a_cut_one_does_not() {
        // The test binary itself is a complete ELF file.
        let me = std::env::current_exe().unwrap();
        assert_eq!(check_complete(&me), Ok(()));
        let bytes = std::fs::read(&me).unwrap();
        for cut in [20, 64, 4096, bytes.len() / 2, bytes.len() - 1] {
            let path = temp(&format!("cut-{cut}"), &bytes[..cut]);
            let reason = check_complete(&path).unwrap_err();
            assert!(
                reason.contains("truncated") || reason.contains("past"),
                "{reason}"
            );
        }
    }

    #[test]
    fn files_that_are_not_elf_are_left_to_dlopen() {
        assert_eq!(check_complete(&temp("text.so", b"not a library")), Ok(()));
        assert_eq!(check_complete(&temp("empty.so", b"")), Ok(()));
    }
}

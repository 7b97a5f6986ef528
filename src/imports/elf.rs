//! The shared libraries an ELF file needs: `DT_NEEDED` names and the `RUNPATH`/`RPATH`
//! directories the loader searches (with `$ORIGIN` still in them).

use std::path::Path;

use object::read::ReadRef;
use object::read::elf::{Dyn, FileHeader, SectionHeader};
use object::{FileKind, ReadCache, elf};

/// What an ELF file asks the dynamic loader for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// `DT_NEEDED` library names (`libgomp-a34b3233.so.1.0.0`).
    pub needed: Vec<String>,
    /// `DT_RUNPATH` and `DT_RPATH` entries, in order (`$ORIGIN/../numpy.libs`).
    pub search: Vec<String>,
}

/// Reads the dynamic section of the ELF file at `path` (`None` if it is not ELF).
pub fn read_needs(path: &Path) -> Option<Needs> {
    let cache = ReadCache::new(crate::regular_file::open(path).ok()?);
    match FileKind::parse(&cache).ok()? {
        FileKind::Elf32 => needs::<elf::FileHeader32<object::Endianness>, _>(&cache),
        FileKind::Elf64 => needs::<elf::FileHeader64<object::Endianness>, _>(&cache),
        _ => None,
    }
}

fn needs<'data, H: FileHeader, R: ReadRef<'data>>(data: R) -> Option<Needs> {
    let header = H::parse(data).ok()?;
    let endian = header.endian().ok()?;
    let sections = header.sections(endian, data).ok()?;
    let Some((dynamic, link)) = sections.dynamic(endian, data).ok()? else {
        return Some(Needs::default());
    };
    let strings = sections.strings(endian, data, link).ok()?;
    let mut out = Needs::default();
    for d in dynamic {
        let Some(tag) = d.tag32(endian) else {
            continue;
        };
        if !matches!(tag, elf::DT_NEEDED | elf::DT_RUNPATH | elf::DT_RPATH) {
            continue;
        }
        let Some(text) = d.val32(endian).and_then(|v| strings.get(v).ok()) else {
            continue;
        };
        let text = String::from_utf8_lossy(text).into_owned();
        if tag == elf::DT_NEEDED {
            out.needed.push(text);
        } else {
            out.search.extend(
                text.split(':')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        }
    }
    Some(out)
}

/// The bytes of an ELF file's `.rodata` sections (where C string constants live), read
/// without loading the rest of the file; `None` if it is not ELF.
pub fn read_rodata(path: &Path) -> Option<Vec<u8>> {
    let cache = ReadCache::new(crate::regular_file::open(path).ok()?);
    match FileKind::parse(&cache).ok()? {
        FileKind::Elf32 => rodata::<elf::FileHeader32<object::Endianness>, _>(&cache),
        FileKind::Elf64 => rodata::<elf::FileHeader64<object::Endianness>, _>(&cache),
        _ => None,
    }
}

fn rodata<'data, H: FileHeader, R: ReadRef<'data>>(data: R) -> Option<Vec<u8>> {
    let header = H::parse(data).ok()?;
    let endian = header.endian().ok()?;
    let sections = header.sections(endian, data).ok()?;
    let mut out = Vec::new();
    for section in sections.iter() {
        let name = sections.section_name(endian, section).unwrap_or_default();
        if (name == b".rodata" || name.starts_with(b".rodata."))
            && let Ok(bytes) = section.data(endian, data)
        {
            out.extend_from_slice(bytes);
            out.push(0);
        }
    }
    Some(out)
}

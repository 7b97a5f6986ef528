//! The finder's module table. A 200k-source tree has a module per source, so a module is a
//! 20-byte row in a [`Chunked`] list (never copied while it grows), its name a slice of a
//! shared name buffer and its `__path__` a slice of a shared directory list: 4.5 MB of rows
//! and 3.5 MB of names for 212k modules, where a row with a boxed name and a boxed
//! directory list took 48 bytes plus an allocation each (and 20 MB while the list doubled).

use crate::chunked::Chunked;
use crate::model::NodeId;

use super::{ModId, ModKind};

/// Bytes per buffer of names; a name never spans two.
const NAME_CHUNK: usize = 1 << 20;
/// The longest dotted name the table keeps. A module's name spells its path from a site,
/// so only a directory tree hundreds of levels deep gives a longer one: such a module is
/// not found (a name is never cut, so it cannot be confused with another).
pub const MAX_NAME: usize = u16::MAX as usize;
const NO_FILE: u32 = u32::MAX;

/// One module as the finder found it (a view into the table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Module<'a> {
    /// Dotted name.
    pub name: &'a str,
    /// How it is stored.
    pub kind: ModKind,
    /// The file that runs (`__init__.py` for a package); `None` for a namespace package.
    pub file: Option<NodeId>,
    /// The package's `__path__` (empty for plain modules).
    pub dirs: &'a [NodeId],
}

#[derive(Clone, Copy, Debug)]
struct Row {
    /// Buffer index times [`NAME_CHUNK`], plus the offset in it.
    name: u32,
    file: u32,
    dirs: u32,
    dirs_len: u32,
    name_len: u16,
    kind: ModKind,
}

/// Every module found, numbered in the order found.
#[derive(Clone, Debug, Default)]
pub struct Modules {
    rows: Chunked<Row>,
    names: Vec<String>,
    dirs: Vec<NodeId>,
}

impl Modules {
    /// Number of modules.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The module behind an id.
    ///
    /// # Panics
    /// If `id` is not one this table gave out.
    pub fn get(&self, id: ModId) -> Module<'_> {
        self.view(&self.rows[id.index()])
    }

    /// The dotted name of a module.
    pub fn name(&self, id: ModId) -> &str {
        self.name_of(&self.rows[id.index()])
    }

    /// Every module, by id.
    pub fn iter(&self) -> impl Iterator<Item = Module<'_>> {
        self.rows.iter().map(|r| self.view(r))
    }

    /// Adds a module; `None` when the table cannot hold it (a name longer than
    /// [`MAX_NAME`], or more modules or names than 32-bit ids and offsets number).
    pub fn push(
        &mut self,
        name: &str,
        kind: ModKind,
        file: Option<NodeId>,
        dirs: &[NodeId],
    ) -> Option<ModId> {
        let id = ModId(
            u32::try_from(self.rows.len())
                .ok()
                .filter(|n| *n < u32::MAX)?,
        );
        let name_len = u16::try_from(name.len()).ok()?;
        let file = match file {
            Some(f) if f.0 == NO_FILE => return None,
            Some(f) => f.0,
            None => NO_FILE,
        };
        let dirs_at = u32::try_from(self.dirs.len()).ok()?;
        let dirs_len = u32::try_from(dirs.len()).ok()?;
        dirs_at.checked_add(dirs_len)?;
        if self
            .names
            .last()
            // Never filled to the brim: a name (even an empty one) starting at the very end
            // would be read from the next buffer.
            .is_none_or(|b| b.len() + name.len() >= NAME_CHUNK)
        {
            self.names.push(String::with_capacity(NAME_CHUNK));
        }
        let chunk = self.names.len() - 1;
        let at = chunk
            .checked_mul(NAME_CHUNK)
            .map(|c| c + self.names[chunk].len())
            .and_then(|at| u32::try_from(at).ok());
        let Some(at) = at else {
            // Past 4 GiB of names: the buffer just opened stays empty.
            self.names.pop_if(|b| b.is_empty());
            return None;
        };
        self.names[chunk].push_str(name);
        self.dirs.extend_from_slice(dirs);
        self.rows.push(Row {
            name: at,
            file,
            dirs: dirs_at,
            dirs_len,
            name_len,
            kind,
        });
        Some(id)
    }

    /// Gives back the unused tails of the last buffers once the table is complete.
    pub fn shrink(&mut self) {
        self.rows.shrink_last();
        if let Some(last) = self.names.last_mut() {
            last.shrink_to_fit();
        }
        self.dirs.shrink_to_fit();
    }

    fn name_of(&self, r: &Row) -> &str {
        let at = r.name as usize;
        let start = at % NAME_CHUNK;
        &self.names[at / NAME_CHUNK][start..start + usize::from(r.name_len)]
    }

    fn view(&self, r: &Row) -> Module<'_> {
        let dirs = r.dirs as usize;
        Module {
            name: self.name_of(r),
            kind: r.kind,
            file: (r.file != NO_FILE).then_some(NodeId(r.file)),
            dirs: &self.dirs[dirs..dirs + r.dirs_len as usize],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_stays_at_20_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 20);
    }

    #[test]
    fn modules_read_back_as_added_across_name_buffers() {
        let mut t = Modules::default();
        let long = "a".repeat(MAX_NAME);
        let mut ids = Vec::new();
        // 20 names of 64 KiB fill a 1 MiB buffer: the next opens another.
        for i in 0..40 {
            let name = format!("{}{i}", &long[..MAX_NAME - 2]);
            let dirs: Vec<NodeId> = (0..i % 3).map(NodeId).collect();
            let file = (i % 2 == 0).then_some(NodeId(i));
            ids.push((
                t.push(&name, ModKind::Package, file, &dirs).unwrap(),
                name,
                file,
                dirs,
            ));
        }
        assert!(t.names.len() > 1);
        for (id, name, file, dirs) in &ids {
            let m = t.get(*id);
            assert_eq!(
                (m.name, m.file, m.dirs),
                (name.as_str(), *file, dirs.as_slice())
            );
            assert_eq!(t.name(*id), name);
        }
        t.shrink();
        assert_eq!(t.iter().count(), 40);
        assert_eq!(t.iter().nth(7).unwrap().name, ids[7].1);
    }

    #[test]
    fn an_empty_name_after_a_buffer_filled_to_the_brim_reads_back() {
        let mut t = Modules::default();
        let part = "a".repeat(MAX_NAME);
        for _ in 0..16 {
            t.push(&part, ModKind::Source, None, &[]).unwrap();
        }
        // A name that would fill the first buffer to its last byte (it opens the next one).
        let last = "b".repeat(NAME_CHUNK - 16 * MAX_NAME);
        let b = t.push(&last, ModKind::Source, None, &[]).unwrap();
        let empty = t.push("", ModKind::Namespace, None, &[]).unwrap();
        assert_eq!((t.name(b), t.name(empty)), (last.as_str(), ""));
    }

    #[test]
    fn a_name_longer_than_max_name_is_refused_not_cut() {
        let mut t = Modules::default();
        assert_eq!(
            t.push(&"a".repeat(MAX_NAME + 1), ModKind::Source, None, &[]),
            None
        );
        assert!(t.is_empty());
        let id = t.push("", ModKind::Namespace, None, &[]).unwrap();
        assert_eq!(t.get(id).name, "");
    }
}

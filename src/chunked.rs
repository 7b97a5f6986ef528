//! A vector stored in fixed-size chunks, for tables of hundreds of thousands of rows (the
//! tree's nodes, the import analysis's modules): growing never copies what is there, so a
//! large table never needs twice its size in memory while it grows, as a doubling `Vec` does.

/// Rows per chunk.
const CHUNK: usize = 1 << 14;

/// A growable list in chunks of [`CHUNK`] rows.
#[derive(Clone, Debug)]
pub struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Self {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds a row at the end.
    pub fn push(&mut self, value: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        let last = self.chunks.len() - 1;
        self.chunks[last].push(value);
        self.len += 1;
    }

    /// Gives back the unused tail of the last chunk once the list is complete.
    pub fn shrink_last(&mut self) {
        if let Some(last) = self.chunks.last_mut() {
            last.shrink_to_fit();
        }
    }

    /// The rows in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl<T> std::ops::IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.chunks[i / CHUNK][i % CHUNK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_across_chunk_boundaries_keep_their_places_and_order() {
        let mut c = Chunked::default();
        for i in 0..(2 * CHUNK + 3) {
            c.push(i);
        }
        assert_eq!(c.len(), 2 * CHUNK + 3);
        assert_eq!(c[CHUNK - 1], CHUNK - 1);
        assert_eq!(c[CHUNK], CHUNK);
        assert_eq!(c[2 * CHUNK + 2], 2 * CHUNK + 2);
        c[CHUNK] = 7;
        assert_eq!(c[CHUNK], 7);
        c.shrink_last();
        assert_eq!(c.iter().count(), 2 * CHUNK + 3);
        assert!(
            c.iter()
                .skip(CHUNK + 1)
                .copied()
                .eq(CHUNK + 1..2 * CHUNK + 3)
        );
    }
}

//! Work split across the machine's cores: how the per-sample layers (convolution, pooling) cut a
//! batch into blocks for rayon's thread pool, and how many threads that pool has.
//!
//! A layer whose work is the same for every sample cuts the batch into blocks of [`BLOCK`]
//! samples and hands the blocks to the pool, which runs them on whichever cores are free. The
//! cut depends only on the batch size, never on the number of threads, and a sum over the batch
//! (a weight gradient) is added up block by block, each block into its own partial sum, and the
//! partial sums are added in block order once every block is done. So a run gives the same
//! numbers, bit for bit, on one thread as on eight: the thread count changes the time, nothing
//! else.
//!
//! The pool is rayon's global one (a thread per core, or `RAYON_NUM_THREADS` of them) unless the
//! program calls [`set_threads`] before its first parallel pass; [`Threads`] is a pool of its own.
//! A program gets the most from the threads by running its whole training inside a pool
//! ([`Threads::run`]): then the loop itself runs on one of the pool's threads, which takes a share
//! of each parallel pass while its data is still in its core's cache, instead of handing every
//! pass to the pool and waiting.

use crate::{Error, Result};
use rayon::iter::{IndexedParallelIterator, MinLen};

/// The samples in one block of a batch (the last block may have fewer).
pub const BLOCK: usize = 16;

/// The number of blocks a batch of `samples` is cut into.
pub fn blocks(samples: usize) -> usize {
    samples.div_ceil(BLOCK)
}

/// The samples that one thread takes at a time in a light pass (an activation, pooling) over
/// samples of `features` entries: at least [`BLOCK`], and enough for 2¹⁴ entries, so that a
/// small batch is not worth splitting.
pub fn piece_samples(features: usize) -> usize {
    const MIN_ENTRIES: usize = 1 << 14;
    BLOCK.max(MIN_ENTRIES.div_ceil(features.max(1)))
}

// ANCHOR: tasks
/// `pieces` as tasks for the pool: split between the threads when there are several, and run
/// in order on the calling thread when there is one (handing work to a single pool thread would
/// only move the data to another core and back).
pub fn tasks<I: IndexedParallelIterator>(pieces: I) -> MinLen<I> {
    let min_len = if threads() > 1 { 1 } else { usize::MAX };
    pieces.with_min_len(min_len)
}
// ANCHOR_END: tasks

/// The number of threads the parallel passes run on (in the current [`Threads::run`], if any).
pub fn threads() -> usize {
    rayon::current_num_threads()
}

/// Makes every later parallel pass run on `threads` threads. Fails if `threads` is 0 or if the
/// global pool has already started (a parallel pass ran before this call).
pub fn set_threads(threads: usize) -> Result<()> {
    builder(threads)?
        .build_global()
        .map_err(|error| Error::Threads(error.to_string()))
}

/// A pool of threads of its own: the parallel passes inside [`Threads::run`] use it instead of
/// the global one.
#[derive(Debug)]
pub struct Threads(rayon::ThreadPool);

impl Threads {
    /// A pool of `threads` threads. Fails if `threads` is 0 or the threads cannot be started.
    pub fn new(threads: usize) -> Result<Self> {
        builder(threads)?
            .build()
            .map(Self)
            .map_err(|error| Error::Threads(error.to_string()))
    }

    /// Runs `work` with its parallel passes on this pool, and returns what it returns.
    pub fn run<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        self.0.install(work)
    }
}

/// A pool builder for `threads` threads, refusing 0.
fn builder(threads: usize) -> Result<rayon::ThreadPoolBuilder> {
    if threads == 0 {
        return Err(Error::Threads(
            "the number of threads must be at least 1".into(),
        ));
    }
    Ok(rayon::ThreadPoolBuilder::new().num_threads(threads))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_is_cut_into_blocks_of_at_most_block_samples() {
        assert_eq!(blocks(0), 0);
        assert_eq!(blocks(1), 1);
        assert_eq!(blocks(BLOCK), 1);
        assert_eq!(blocks(BLOCK + 1), 2);
        assert_eq!(blocks(64), 64 / BLOCK);
    }

    #[test]
    fn zero_threads_is_refused_and_a_pool_runs_with_its_own_count() {
        assert!(matches!(Threads::new(0), Err(Error::Threads(_))));
        assert!(matches!(set_threads(0), Err(Error::Threads(_))));
        let pool = Threads::new(3).unwrap();
        assert_eq!(pool.run(threads), 3);
    }
}

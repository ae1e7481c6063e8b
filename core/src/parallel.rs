//! Work split across the machine's cores: how the layers cut their work into pieces for rayon's
//! thread pool, how many threads that pool has, and how its threads wait between passes.
//!
//! Two kinds of cut keep the numbers independent of the thread count. A pass that computes
//! each number on its own (a dense layer's product cut into column ranges, an optimizer's update
//! cut into runs of parameters) may be cut anywhere: [`even_piece`] gives each thread one piece.
//! A sum over pieces is cut where the thread count cannot move the cuts:
//! a layer whose work is the same for every sample cuts the batch into blocks of [`BLOCK`]
//! samples and hands the blocks to the pool, which runs them on whichever cores are free. The
//! cut depends only on the batch size, never on the number of threads, and a sum over the batch
//! (a weight gradient) is added up block by block, each block into its own partial sum, and the
//! partial sums are added in block order once every block is done; a large dense layer's forward
//! product sums its inputs in four runs, added in run order ([`crate::linalg::mul_in_runs`]). So
//! a run gives the same numbers, bit for bit, on one thread as on eight: the thread count changes
//! the time, nothing else.
//!
//! The pool is rayon's global one (a thread per core, or `RAYON_NUM_THREADS` of them) unless the
//! program calls [`set_threads`] before its first parallel pass; [`Threads`] is a pool of its own.
//! A program gets the most from the threads by running its whole training inside a pool
//! ([`Threads::run`]): then the loop itself runs on one of the pool's threads, which takes a share
//! of each parallel pass while its data is still in its core's cache, instead of handing every
//! pass to the pool and waiting. Between the passes of a training epoch the other threads spin
//! rather than sleep ([`Awake`]).

use crate::{Error, Result};
use rayon::iter::{IndexedParallelIterator, MinLen, ParallelIterator};
use rayon::slice::ParallelSliceMut;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// How many of `items` (samples, columns, parameters) one thread takes in a pass that splits
/// them evenly: about one run per thread, every run (the last included) at least `min_items`
/// long, so that a small pass stays whole on the calling thread. Such a pass must compute each
/// item by the same operations wherever the cuts fall (a matrix product cut into column ranges,
/// an elementwise update), so that the thread count changes only who computes what.
pub fn even_piece(items: usize, min_items: usize) -> usize {
    let min_items = min_items.max(1);
    let mut runs = threads().min(items / min_items).max(1);
    loop {
        let piece = items.div_ceil(runs).max(1);
        let last = items - (items.div_ceil(piece).max(1) - 1) * piece;
        if runs == 1 || last >= min_items {
            return piece;
        }
        runs -= 1;
    }
}

/// The number of columns of a product that are worth a thread of their own, when each column
/// costs `work` multiply-adds: enough for 2¹⁹ (about 10 µs of a core), so that the split pays
/// for waking another thread.
pub fn min_columns(work: usize) -> usize {
    const MIN_WORK: usize = 1 << 19;
    MIN_WORK.div_ceil(work.max(1))
}

/// Runs `work(columns, out)` on runs of the columns of `out` (a column-major matrix with
/// `column_len` entries per column), which the threads share: each run gets the range of
/// columns it covers and its part of `out`. The runs are cut by [`even_piece`], at least
/// `min_columns` wide.
pub fn column_runs<T: Send>(
    out: &mut [T],
    column_len: usize,
    min_columns: usize,
    work: impl Fn(Range<usize>, &mut [T]) + Sync,
) {
    // The pool's machinery is compiled once per number type, not once per caller: a layer of
    // every size calls this, and compile time matters more here than a call through a pointer.
    runs_of_columns(out, column_len, min_columns, &work);
}

/// [`column_runs`] with `work` behind a reference, so that it is compiled once per `T`.
fn runs_of_columns<T: Send>(
    out: &mut [T],
    column_len: usize,
    min_columns: usize,
    work: &(dyn Fn(Range<usize>, &mut [T]) + Sync),
) {
    let column_len = column_len.max(1);
    let piece = even_piece(out.len() / column_len, min_columns);
    let runs = out.par_chunks_mut(column_len * piece).enumerate();
    tasks(runs).for_each(|(run, out)| {
        let first = run * piece;
        work(first..first + out.len() / column_len, out);
    });
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

/// Keeps the pool's other threads looking for work, spinning instead of falling asleep, for as
/// long as it lives: created around a training epoch, whose parallel passes come every few
/// tens of microseconds with serial work between them.
///
/// A rayon thread that finds no work sleeps after some tens of microseconds, and waking it
/// costs as much again: at every pass, with the serial parts of a training step about that
/// long. So while an `Awake` lives, each other thread of the pool runs a task that asks for
/// work ([`rayon::yield_now`]) in a loop, taking each pass's share as soon as it is offered,
/// and spins on its core between passes, as OpenMP's threads do while they wait. It does
/// nothing outside a pool or with one thread.
#[derive(Debug)]
pub struct Awake {
    stop: Arc<AtomicBool>,
}

impl Awake {
    /// Starts the other threads spinning; they stop when this value is dropped.
    #[must_use = "the threads stop spinning as soon as the value is dropped"]
    pub fn new() -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        if let Some(home) = rayon::current_thread_index() {
            for _ in 1..threads() {
                let stop = Arc::clone(&stop);
                rayon::spawn(move || {
                    // On the thread that asked (which may pick the task up while it waits for
                    // a pass), spinning would stop it from returning to its own work.
                    if rayon::current_thread_index() == Some(home) {
                        return;
                    }
                    while !stop.load(Ordering::Acquire) {
                        if rayon::yield_now() != Some(rayon::Yield::Executed) {
                            for _ in 0..64 {
                                std::hint::spin_loop();
                            }
                        }
                    }
                });
            }
        }
        Self { stop }
    }
}

impl Default for Awake {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Awake {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

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
    fn an_even_split_gives_each_thread_a_share_but_keeps_small_passes_whole() {
        let pool = Threads::new(2).unwrap();
        assert_eq!(pool.run(|| even_piece(64, 1)), 32);
        assert_eq!(pool.run(|| even_piece(65, 1)), 33);
        assert_eq!(pool.run(|| even_piece(64, 40)), 64);
        // Seven threads cannot give 25 items in runs of at least 6: four runs (7, 7, 7, 4) would
        // leave a short one, three (9, 9, 7) do not.
        assert_eq!(Threads::new(7).unwrap().run(|| even_piece(25, 6)), 9);
        assert_eq!(pool.run(|| even_piece(0, 0)), 1);
        assert_eq!(Threads::new(1).unwrap().run(|| even_piece(64, 1)), 64);
        assert_eq!(min_columns(128 * 784), 6);
        assert_eq!(min_columns(0), 1 << 19);
    }

    #[test]
    fn zero_threads_is_refused_and_a_pool_runs_with_its_own_count() {
        assert!(matches!(Threads::new(0), Err(Error::Threads(_))));
        assert!(matches!(set_threads(0), Err(Error::Threads(_))));
        let pool = Threads::new(3).unwrap();
        assert_eq!(pool.run(threads), 3);
    }
}

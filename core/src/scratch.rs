//! Reusable buffers, one per thread: room for a pass's intermediate numbers (the partial
//! products of a product cut into blocks) without allocating in every training step.

use crate::Scalar;
use std::any::Any;
use std::cell::RefCell;

thread_local! {
    /// The calling thread's buffer, kept between calls (a `Vec<T>` of the last type asked for).
    static BUFFER: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
}

/// Runs `work` with a buffer of `len` numbers. Their values are left over from earlier calls:
/// `work` must write each entry before reading it. A call made while another holds the buffer
/// (as a parallel pass may, when its thread runs another task while it waits) gets a fresh one.
pub fn with_buffer<T: Scalar, R>(len: usize, work: impl FnOnce(&mut [T]) -> R) -> R {
    let kept = BUFFER.with(|buffer| buffer.borrow_mut().take());
    let mut buffer: Vec<T> = kept
        .and_then(|kept| kept.downcast::<Vec<T>>().ok())
        .map(|kept| *kept)
        .unwrap_or_default();
    if buffer.len() < len {
        buffer.resize(len, T::zero());
    }
    let result = work(&mut buffer[..len]);
    BUFFER.with(|kept| *kept.borrow_mut() = Some(Box::new(buffer)));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_is_kept_between_calls_and_a_nested_call_gets_its_own() {
        with_buffer::<f32, _>(4, |outer| {
            outer.copy_from_slice(&[1.0, 2.0, 3.0, 4.0]);
            with_buffer::<f32, _>(2, |inner| {
                inner.fill(9.0);
                assert_eq!(inner.len(), 2);
            });
            assert_eq!(outer, &[1.0, 2.0, 3.0, 4.0]);
        });
        // The outer buffer was put back last, so it is the one kept.
        with_buffer::<f32, _>(4, |again| assert_eq!(again, &[1.0, 2.0, 3.0, 4.0]));
        with_buffer::<f64, _>(3, |other_type| assert_eq!(other_type.len(), 3));
    }
}

//! The max-pooling layer (`nabla::pool`): the output-size rule, each window's maximum, and the
//! backward pass against central differences (inputs spread apart so that no window is near a
//! tie), with every input but the winners getting exactly 0.

use super::conv::check_layer;
use nabla::Batch;
use nabla::layer::{Layer, Pass};
use nabla::pool::{MaxPool2d, PoolCache};
use nabla_tests::seeded;
use rand::seq::SliceRandom;

/// 2 channels of 4 × 6 → 2 × 2 × 3.
type Pool = MaxPool2d<48, 12, 2, 4, 6>;

/// `samples` samples of distinct values at least 0.1 apart (shuffled), so that a step of 1e-5
/// never changes a window's winner.
fn spread_input(samples: usize, seed: u64) -> Batch<f64, 48> {
    let mut values: Vec<f64> = (0..48 * samples).map(|i| 0.1 * i as f64 - 2.0).collect();
    values.shuffle(&mut seeded(seed));
    Batch::from_column_slice(&values)
}

#[test]
fn maxpool_gives_the_maximum_of_each_2x2_window() {
    let input = spread_input(2, 1);
    let mut cache = PoolCache::default();
    let output = Layer::<f64, 48, 12>::forward(&Pool::default(), &input, Pass::infer(), &mut cache);
    assert_eq!(output.shape(), (2 * (4 / 2) * (6 / 2), 2));
    for sample in 0..2 {
        for (c, y, x) in
            (0..2).flat_map(|c| (0..2).flat_map(move |y| (0..3).map(move |x| (c, y, x))))
        {
            let window = [(0, 0), (0, 1), (1, 0), (1, 1)]
                .map(|(dy, dx)| input[(c * 24 + (2 * y + dy) * 6 + 2 * x + dx, sample)]);
            let expected = window.into_iter().fold(f64::NEG_INFINITY, f64::max);
            assert_eq!(output[(c * 6 + y * 3 + x, sample)], expected);
        }
    }
}

#[test]
fn maxpool_backward_routes_the_gradient_to_each_window_maximum() {
    check_layer("max pool 2 × 4 × 6", &Pool::default(), &spread_input(3, 2));
    // Every input that did not win gets exactly 0; the winners get the output gradient.
    let input = spread_input(1, 3);
    let mut cache = PoolCache::default();
    let pool = Pool::default();
    Layer::<f64, 48, 12>::forward(&pool, &input, Pass::infer(), &mut cache);
    let upstream = Batch::<f64, 12>::from_fn(1, |i, _| i as f64 + 1.0);
    let mut input_gradient = Batch::zeros(0);
    pool.backward(
        &input,
        &cache,
        &upstream,
        &mut Pool::default(),
        Some(&mut input_gradient),
    );
    let nonzero: Vec<usize> = (0..48).filter(|&i| input_gradient[(i, 0)] != 0.0).collect();
    let mut winners = cache.winners.clone();
    winners.sort();
    assert_eq!(nonzero, winners);
    assert_eq!(input_gradient.sum(), upstream.sum());
}

#[test]
fn maxpool_ties_go_to_the_first_entry_of_the_window() {
    // A constant image: every entry of every window ties, so the top-left one takes it all.
    let input = Batch::<f64, 48>::from_element(1, 0.5);
    let mut cache = PoolCache::default();
    let pool = Pool::default();
    Layer::<f64, 48, 12>::forward(&pool, &input, Pass::infer(), &mut cache);
    let mut input_gradient = Batch::zeros(0);
    let upstream = Batch::<f64, 12>::from_element(1, 1.0);
    pool.backward(
        &input,
        &cache,
        &upstream,
        &mut Pool::default(),
        Some(&mut input_gradient),
    );
    for i in 0..48 {
        let (y, x) = ((i % 24) / 6, i % 6);
        let top_left = y % 2 == 0 && x % 2 == 0;
        assert_eq!(
            input_gradient[(i, 0)],
            if top_left { 1.0 } else { 0.0 },
            "entry {i}"
        );
    }
}

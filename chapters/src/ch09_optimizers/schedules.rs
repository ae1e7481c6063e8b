//! The three learning-rate schedules of the library, as functions of the step.

use nabla::schedule::Schedule;

/// The base rate of the schedule figure.
pub const BASE_RATE: f64 = 0.1;
/// Steps per epoch in the schedule figure (MNIST in batches of 64 has 938).
pub const STEPS_PER_EPOCH: usize = 100;
/// Epochs in the schedule figure.
pub const EPOCHS: usize = 10;
/// Warm-up steps in the schedule figure.
pub const WARMUP: usize = 100;

// ANCHOR: schedules
/// The schedules compared: step decay (halve every 3 epochs, as `--schedule step`), cosine to
/// zero (`--schedule cosine`), and the cosine after a linear warm-up (`--warmup 100`).
pub fn schedules() -> [(&'static str, Schedule); 3] {
    [
        (
            "step decay (× 0.5 every 3 epochs)",
            Schedule::step_decay(3, 0.5),
        ),
        ("cosine", Schedule::cosine(0.0)),
        (
            "linear warm-up (100 steps), then cosine",
            Schedule::cosine(0.0).with_warmup(WARMUP),
        ),
    ]
}

/// The rate of every step of the run, by the library's `Schedule::rate`.
pub fn rates(schedule: &Schedule) -> Vec<f64> {
    let total = STEPS_PER_EPOCH * EPOCHS;
    (0..total)
        .map(|step| schedule.rate(BASE_RATE, step, STEPS_PER_EPOCH, total))
        .collect()
}
// ANCHOR_END: schedules

//! Learning-rate schedules: the rate as a pure function of the training step.
//!
//! A [`Schedule`] is an optional linear warm-up followed by a [`Decay`]: constant, step decay
//! (the rate multiplied by γ every k epochs) or cosine annealing from the base rate down to a
//! minimum at the end of the run. [`Schedule::rate`] computes the rate of one step from the base
//! rate, the step's number and the run's length, so it can be tested and plotted without
//! training; [`crate::train::fit`] sets the optimizer's rate with it before every step.

use crate::{Error, Result};

/// How the rate changes after the warm-up.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Decay {
    /// The base rate throughout.
    #[default]
    Constant,
    /// `base · γ^⌊epoch / every_epochs⌋`, the epoch counted from 0: the rate is multiplied by
    /// `gamma` at the start of epochs `every_epochs + 1`, `2·every_epochs + 1`, … (numbered
    /// from 1).
    Step {
        /// Epochs between two decays (at least 1).
        every_epochs: usize,
        /// The factor applied at each decay (positive; below 1 to decay).
        gamma: f64,
    },
    /// `min + (base − min)(1 + cos(π t))/2`, with `t` rising linearly from 0 at the end of the
    /// warm-up to 1 at the end of the run: the base rate at the start, `min_rate` at the end.
    Cosine {
        /// The rate at the end of the run.
        min_rate: f64,
    },
}

/// A learning-rate schedule: `warmup_steps` of linear warm-up, then `decay`.
///
/// During the warm-up, step `s` (from 0) gets `(s + 1)/warmup_steps` of the decayed rate: the
/// first step a small fraction of it (not zero, which would waste the step), step
/// `warmup_steps − 1` all of it. The default is constant: every step gets the base rate, exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Schedule {
    /// Steps (mini-batches) of linear warm-up at the start of the run (0 for none).
    pub warmup_steps: usize,
    /// What follows the warm-up.
    pub decay: Decay,
}

impl Schedule {
    /// The base rate throughout.
    pub const fn constant() -> Self {
        Self {
            warmup_steps: 0,
            decay: Decay::Constant,
        }
    }

    /// The rate multiplied by `gamma` every `every_epochs` epochs.
    pub const fn step_decay(every_epochs: usize, gamma: f64) -> Self {
        Self {
            warmup_steps: 0,
            decay: Decay::Step {
                every_epochs,
                gamma,
            },
        }
    }

    /// Cosine annealing from the base rate to `min_rate` over the run.
    pub const fn cosine(min_rate: f64) -> Self {
        Self {
            warmup_steps: 0,
            decay: Decay::Cosine { min_rate },
        }
    }

    /// The same schedule after `steps` of linear warm-up: `Schedule::cosine(0.0).with_warmup(100)`.
    pub const fn with_warmup(self, steps: usize) -> Self {
        Self {
            warmup_steps: steps,
            ..self
        }
    }

    /// Whether every step gets the base rate.
    pub fn is_constant(&self) -> bool {
        self.warmup_steps == 0 && self.decay == Decay::Constant
    }

    /// Checks the settings: a step decay needs `every_epochs ≥ 1` and a positive, finite γ; a
    /// cosine a finite, non-negative minimum.
    pub fn validate(&self) -> Result<()> {
        match self.decay {
            Decay::Constant => Ok(()),
            Decay::Step {
                every_epochs,
                gamma,
            } => {
                if every_epochs == 0 {
                    Err(Error::InvalidSetting(
                        "a step decay needs at least 1 epoch between decays".into(),
                    ))
                } else if !(gamma.is_finite() && gamma > 0.0) {
                    Err(Error::InvalidSetting(format!(
                        "a step decay's factor must be a positive number, not {gamma}"
                    )))
                } else {
                    Ok(())
                }
            }
            Decay::Cosine { min_rate } => {
                if min_rate.is_finite() && min_rate >= 0.0 {
                    Ok(())
                } else {
                    Err(Error::InvalidSetting(format!(
                        "a cosine schedule's minimum rate must be a number ≥ 0, not {min_rate}"
                    )))
                }
            }
        }
    }

    // ANCHOR: rate
    /// The learning rate of step `step` (from 0) of a run of `total_steps` steps,
    /// `steps_per_epoch` to an epoch, starting from `base`. Steps past the end keep the last
    /// rate of the decay.
    pub fn rate(&self, base: f64, step: usize, steps_per_epoch: usize, total_steps: usize) -> f64 {
        if self.is_constant() {
            return base;
        }
        let decayed = match self.decay {
            Decay::Constant => base,
            Decay::Step {
                every_epochs,
                gamma,
            } => {
                let epoch = step / steps_per_epoch.max(1);
                let decays = epoch / every_epochs.max(1);
                base * gamma.powi(i32::try_from(decays).unwrap_or(i32::MAX))
            }
            Decay::Cosine { min_rate } => {
                let after_warmup = step.saturating_sub(self.warmup_steps);
                let span = total_steps.saturating_sub(self.warmup_steps).max(1);
                if after_warmup == 0 {
                    base
                } else {
                    let t = after_warmup.min(span) as f64 / span as f64;
                    min_rate + (base - min_rate) * (1.0 + (std::f64::consts::PI * t).cos()) / 2.0
                }
            }
        };
        if step < self.warmup_steps {
            decayed * (step + 1) as f64 / self.warmup_steps as f64
        } else {
            decayed
        }
    }
    // ANCHOR_END: rate
}

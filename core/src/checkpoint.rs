//! Per-epoch checkpoints, so that an interrupted run can continue exactly where it stopped.
//!
//! A checkpoint directory holds, for each saved epoch `k`, two safetensors files:
//! `epoch-00k.safetensors` (the model, as [`model_file::save`] writes it) and
//! `epoch-00k.optimizer.safetensors` (the optimizer's [`OptimizerState`]: one tensor per state
//! vector, named `first_moment.0`, `velocity.3`, …, and in `__metadata__` the epoch, the step
//! count and the run's settings). The optimizer file is written first, so a model file marks a
//! complete checkpoint.
//!
//! The files are saved as [`model_file::save`] saves any file: atomically, through a symlink to
//! the file it points to, and never over something that is not a regular file. [`prepare`] checks
//! all of that before a run starts; [`remove_unfinished`] removes the temporary files that a run
//! killed while saving leaves behind.
//!
//! The random number generator is not saved. A run that draws from its generator only to
//! initialize the network and then once per epoch for the batch order (one
//! [`shuffled_indices`] call, as [`crate::train::fit`] does) can recreate it: seed it again,
//! build the network with it, and call [`replay_shuffles`].

use crate::data::shuffled_indices;
use crate::model_file::{self, SaveTarget};
use crate::network::Parameters;
use crate::optim::{Optimizer, OptimizerState};
use crate::{Error, Result, Scalar};
use rand::Rng;
use std::path::{Path, PathBuf};

/// The model file of epoch `epoch` in `dir`.
pub fn model_path(dir: &Path, epoch: usize) -> PathBuf {
    dir.join(format!("epoch-{epoch:03}.safetensors"))
}

/// The optimizer file of epoch `epoch` in `dir`.
pub fn optimizer_path(dir: &Path, epoch: usize) -> PathBuf {
    dir.join(format!("epoch-{epoch:03}.optimizer.safetensors"))
}

/// The epoch of a checkpoint file named `name` ([`model_path`] or [`optimizer_path`]), and
/// whether it is the model file.
fn epoch_of(name: &str) -> Option<(usize, bool)> {
    let stem = name.strip_prefix("epoch-")?.strip_suffix(".safetensors")?;
    let (digits, is_model) = match stem.strip_suffix(".optimizer") {
        Some(digits) => (digits, false),
        None => (stem, true),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((digits.parse().ok()?, is_model))
}

/// The checkpoint files in `dir` (model and optimizer files of every epoch), sorted; none if
/// `dir` cannot be read.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            epoch_of(path.file_name()?.to_str()?)?;
            Some(path)
        })
        .collect();
    files.sort();
    files
}

fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|error| {
        Error::Checkpoint(format!(
            "cannot create the checkpoint directory {}: {error}",
            dir.display()
        ))
    })
}

/// Before a run that saves a checkpoint after each of `epochs`: creates `dir` if needed and
/// checks, with [`model_file::check_save_target`], every file the run will write there, so that a
/// FIFO, a directory or a device in the way, or a directory that cannot be written to, fails
/// before training starts. Returns the targets, in the order they will be written; those with
/// [`SaveTarget::followed_symlink`] are symlinks, whose files are written.
pub fn prepare(dir: &Path, epochs: std::ops::RangeInclusive<usize>) -> Result<Vec<SaveTarget>> {
    create_dir(dir)?;
    let mut targets = Vec::new();
    for epoch in epochs {
        for path in [optimizer_path(dir, epoch), model_path(dir, epoch)] {
            targets.push(model_file::check_save_target(path)?);
        }
    }
    Ok(targets)
}

/// Removes the temporary files that saves into `dir` left behind when their run was killed, and
/// returns how many it removed. Only regular files named exactly as a save names the temporary
/// file of a checkpoint file (`.epoch-003.safetensors.4711-2.tmp`) are removed. A missing `dir`
/// holds none. Call it when no other run is saving into `dir`.
pub fn remove_unfinished(dir: &Path) -> Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(error) => {
            return Err(Error::Checkpoint(format!(
                "cannot read the checkpoint directory {}: {error}",
                dir.display()
            )));
        }
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry.map_err(|error| {
            Error::Checkpoint(format!(
                "cannot read the checkpoint directory {}: {error}",
                dir.display()
            ))
        })?;
        let name = entry.file_name();
        let unfinished = name
            .to_str()
            .and_then(model_file::unfinished_target)
            .is_some_and(|target| epoch_of(target).is_some());
        // `file_type` does not follow symlinks: a symlink with such a name is left alone.
        if !unfinished || !entry.file_type().is_ok_and(|kind| kind.is_file()) {
            continue;
        }
        let path = entry.path();
        std::fs::remove_file(&path).map_err(|error| {
            Error::Checkpoint(format!(
                "cannot remove the unfinished checkpoint file {}: {error}",
                path.display()
            ))
        })?;
        removed += 1;
    }
    Ok(removed)
}

/// Saves the checkpoint of epoch `epoch` into `dir` (created if needed): `model`, the state of
/// `optimizer`, and `settings`, which [`load_latest`] requires to match. Each file is saved as
/// [`model_file::save`] saves one (a symlink's file is written, anything else that is not a
/// regular file is refused).
pub fn save<T: Scalar>(
    dir: &Path,
    epoch: usize,
    model: &impl Parameters<T>,
    optimizer: &impl Optimizer<T>,
    settings: &[(String, String)],
) -> Result<()> {
    create_dir(dir)?;
    let state = optimizer.state();
    let mut metadata = settings.to_vec();
    metadata.push(("epoch".into(), epoch.to_string()));
    metadata.push(("steps".into(), state.steps.to_string()));
    let mut tensors = Vec::new();
    for (name, slots) in state.buffers {
        for (slot, vector) in slots.into_iter().enumerate() {
            tensors.push((format!("{name}.{slot}"), vector));
        }
    }
    model_file::save_tensors(optimizer_path(dir, epoch), &metadata, &tensors)?;
    model_file::save(model_path(dir, epoch), model)?;
    Ok(())
}

/// The latest epoch saved in `dir`. Fails if `dir` does not exist or holds no checkpoint.
pub fn latest(dir: &Path) -> Result<usize> {
    let entries = std::fs::read_dir(dir).map_err(|error| {
        Error::Checkpoint(format!(
            "cannot resume: cannot read the checkpoint directory {}: {error}",
            dir.display()
        ))
    })?;
    entries
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            match epoch_of(&name)? {
                (epoch, true) => Some(epoch),
                (_, false) => None,
            }
        })
        .max()
        .ok_or_else(|| {
            Error::Checkpoint(format!(
                "cannot resume: {} holds no checkpoint (epoch-NNN.safetensors)",
                dir.display()
            ))
        })
}

/// Loads the latest checkpoint in `dir` into `model` and `optimizer` and returns its epoch.
/// Fails, naming the first difference, unless it was saved with the same `settings`.
pub fn load_latest<T: Scalar>(
    dir: &Path,
    model: &mut impl Parameters<T>,
    optimizer: &mut impl Optimizer<T>,
    settings: &[(String, String)],
) -> Result<usize> {
    let epoch = latest(dir)?;
    let path = optimizer_path(dir, epoch);
    let (metadata, tensors) = model_file::load_tensors::<T>(&path)?;
    for (key, value) in settings {
        let saved = metadata.get(key).map_or("nothing", String::as_str);
        if saved != value {
            return Err(Error::Checkpoint(format!(
                "cannot resume from {}: it was saved with {key} {saved}, but this run has {key} {value}",
                path.display()
            )));
        }
    }
    let corrupt =
        |what: &str| Error::Checkpoint(format!("cannot resume from {}: {what}", path.display()));
    let steps = metadata
        .get("steps")
        .and_then(|steps| steps.parse().ok())
        .ok_or_else(|| corrupt("no step count in its metadata"))?;
    let mut state = OptimizerState {
        steps,
        buffers: Vec::new(),
    };
    for (name, vector) in tensors {
        let (buffer, slot) = name
            .rsplit_once('.')
            .and_then(|(buffer, slot)| Some((buffer, slot.parse::<usize>().ok()?)))
            .ok_or_else(|| corrupt(&format!("tensor `{name}` is not named `state.slot`")))?;
        let index = match state.buffers.iter().position(|(n, _)| n == buffer) {
            Some(index) => index,
            None => {
                state.buffers.push((buffer.to_string(), Vec::new()));
                state.buffers.len() - 1
            }
        };
        let slots = &mut state.buffers[index].1;
        if slots.len() <= slot {
            slots.resize_with(slot + 1, Vec::new);
        }
        slots[slot] = vector;
    }
    model_file::load_into(model_path(dir, epoch), model)?;
    optimizer.set_state(state);
    Ok(epoch)
}

/// Advances `rng` as `epochs` epochs of training on `len` samples did: one
/// [`shuffled_indices`] call each.
pub fn replay_shuffles(rng: &mut impl Rng, len: usize, epochs: usize) {
    for _ in 0..epochs {
        shuffled_indices(len, rng);
    }
}

//! Adapters from the library's optimizers and schedules to the signatures of chapter 9's
//! exercise checks. A check hands over the state (θ and the optimizer's buffers) of every step;
//! the library keeps its buffers inside the optimizer, so each adapter copies them in with
//! `set_state`, takes one step through `Optimizer::update`, and copies them out with `state`.

use exercises::ch09_optimizers::AdamSettings;
use nabla::optim::{Adam, Momentum, Optimizer, OptimizerState};
use nabla::schedule::Schedule;

/// The state of an optimizer whose only tensor (slot 0) has the buffers `named`, after
/// `steps` steps.
fn one_tensor(steps: u64, named: &[(&str, &[f64])]) -> OptimizerState<f64> {
    OptimizerState {
        steps,
        buffers: named
            .iter()
            .map(|&(name, buffer)| (name.to_string(), vec![buffer.to_vec()]))
            .collect(),
    }
}

/// Buffer `name` of slot 0 of `state`, copied into `out`.
fn copy_out(state: &mut OptimizerState<f64>, name: &str, out: &mut [f64]) {
    out.copy_from_slice(&state.take(name)[0]);
}

/// One step of the library's `Momentum` (9.1), in exercise 9.1's signature.
pub fn momentum_step(theta: &mut [f64], velocity: &mut [f64], gradient: &[f64], eta: f64, mu: f64) {
    let mut momentum = Momentum::<f64>::new(eta, mu);
    momentum.set_state(one_tensor(0, &[("velocity", velocity)]));
    momentum.begin_step();
    momentum.update(0, theta, gradient);
    copy_out(&mut momentum.state(), "velocity", velocity);
}

/// Step `t` of the library's `Adam` (9.7)–(9.9), in exercise 9.2's signature: the optimizer
/// resumes after `t − 1` steps, so its bias correction is that of step `t`.
pub fn adam_step(
    theta: &mut [f64],
    m: &mut [f64],
    v: &mut [f64],
    gradient: &[f64],
    t: i32,
    settings: AdamSettings,
) {
    let mut adam = Adam::<f64>::new(settings.eta);
    (adam.beta1, adam.beta2, adam.epsilon) = (settings.beta1, settings.beta2, settings.epsilon);
    let taken = u64::try_from(t - 1).expect("steps count from 1");
    adam.set_state(one_tensor(
        taken,
        &[("first_moment", m), ("second_moment", v)],
    ));
    adam.begin_step();
    adam.update(0, theta, gradient);
    let mut state = adam.state();
    copy_out(&mut state, "first_moment", m);
    copy_out(&mut state, "second_moment", v);
}

/// The library's cosine schedule (9.12) at `step` of `total`, in exercise 9.3's signature (one
/// step per epoch: cosine annealing does not look at epochs).
pub fn cosine_rate(base: f64, min: f64, step: usize, total: usize) -> f64 {
    Schedule::cosine(min).rate(base, step, 1, total)
}

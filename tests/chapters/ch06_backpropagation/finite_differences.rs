//! Checking gradients: central differences and when they mislead (6.10), the cost of a gradient
//! (6.11), the relative error (6.12), and the names a gradient check reports.

use super::*;

#[test]
fn eq_6_10_central_difference_error_shrinks_like_h_squared() {
    // (f(x + h) − f(x − h)) / 2h = f'(x) + h² f'''(x)/6 + …: ten times smaller h, a hundred
    // times smaller error; the one-sided (f(x + h) − f(x)) / h only gains a factor of ten.
    let f = |x: f64| x.sin().exp();
    let derivative = |x: f64| x.cos() * x.sin().exp();
    let x = 0.7;
    let central = |h: f64| ((f(x + h) - f(x - h)) / (2.0 * h) - derivative(x)).abs();
    let forward = |h: f64| ((f(x + h) - f(x)) / h - derivative(x)).abs();
    let central_gain = central(1e-2) / central(1e-3);
    let forward_gain = forward(1e-2) / forward(1e-3);
    assert!(
        (90.0..110.0).contains(&central_gain),
        "central: {central_gain}"
    );
    assert!(
        (9.0..11.0).contains(&forward_gain),
        "forward: {forward_gain}"
    );
}

#[test]
fn eq_6_10_central_differences_need_f64() {
    // For the chapter's probe network and the entries of W¹ with the largest gradients: in f64
    // some step h brings central differences within 10⁻⁸ of backpropagation; in f32 no step
    // gets within the tolerance of 10⁻⁶.
    let (probe, input, targets) = probe_setup();
    let (_, gradients) = loss_and_gradients(&probe, &SoftmaxCrossEntropy, &input, &targets);
    let steps = step_sizes();
    for index in largest_first_layer_entries(&gradients, 3) {
        let errors = step_size_errors(&probe, &input, &targets, index, &steps);
        let best64 = errors.iter().map(|e| e.1).fold(f64::INFINITY, f64::min);
        let best32 = errors.iter().map(|e| e.2).fold(f64::INFINITY, f64::min);
        assert!(best64 < 1e-8, "f64, W¹ entry {index}: {best64}");
        assert!(best32 > TOLERANCE, "f32, W¹ entry {index}: {best32}");
        // Too small a step is worse than the best one: rounding takes over.
        assert!(errors[8].1 > 100.0 * best64, "f64 at h = 1e-9: {errors:?}");
    }
}

#[test]
fn eq_6_10_the_median_error_is_smallest_near_the_default_step() {
    // The chapter's table: over the 16 entries of W¹ with the largest gradients, the median f64
    // error is smallest within a factor of ten of h = 10⁻⁵ and far below the tolerance there;
    // the f32 median stays above the tolerance at every step, and is 1 (a difference quotient
    // of 0) once 2h|∂L/∂w| falls below the spacing of f32 numbers near C.
    let (probe, input, targets) = probe_setup();
    let (_, gradients) = loss_and_gradients(&probe, &SoftmaxCrossEntropy, &input, &targets);
    let entries = largest_first_layer_entries(&gradients, 16);
    let steps = step_sizes();
    let medians = median_step_size_errors(&probe, &input, &targets, &entries, &steps);
    let best = medians
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("nine steps");
    assert!((1e-6..=1e-4).contains(&best.0), "{medians:?}");
    assert!(best.1 < 1e-8, "{medians:?}");
    assert!(medians.iter().all(|m| m.2 > TOLERANCE), "{medians:?}");
    assert_eq!(medians[8].2, 1.0, "{medians:?}");
}

#[test]
fn eq_6_10_central_differences_fail_next_to_a_relu_kink() {
    // A unit 2·10⁻⁶ past the kink: the step 10⁻⁵ straddles it and the check fails at that unit,
    // with the numeric derivative (z + h)/2h = 0.6 of the true one; the step 10⁻⁶ does not.
    let (unit, reports) = kink_checks(&train_blobs(SEED).network);
    let [straddling, clear] = [&reports[0], &reports[1]];
    assert!(straddling.max_relative_error > 0.1, "{straddling:?}");
    let (tensor, index, analytic, numeric) = straddling.worst;
    let spec = &Blobs::<f64>::zeros().tensor_specs()[tensor];
    let at_unit = match spec.name.as_str() {
        // W¹ is [8, 2], stored column by column: entry `index` is in row `index mod 8`.
        "layer1.weight" => index % spec.shape[0] == unit,
        "layer1.bias" => index == unit,
        _ => false,
    };
    assert!(
        at_unit,
        "the worst entry is not at unit {unit}: {straddling:?}"
    );
    if spec.name == "layer1.bias" {
        let expected = (KINK_DISTANCE + KINK_STEPS[0]) / (2.0 * KINK_STEPS[0]);
        assert!(
            (numeric / analytic - expected).abs() < 1e-3,
            "{straddling:?}"
        );
    }
    assert!(clear.max_relative_error <= TOLERANCE, "{clear:?}");
}

#[test]
fn ch06_gradient_check_names_the_entry_it_reports() {
    // A gradient check reports a tensor number and an index into the visited slice; the program
    // names them from the network's tensor specs. Each name must point at that very entry:
    // W²[r, c] is row r, column c of layer 2's weights.
    let (probe, _, _) = probe_setup();
    let specs = probe.tensor_specs();
    let mut tensors = Vec::new();
    probe.visit(&mut |tensor| tensors.push(tensor.to_vec()));
    let cases = [
        (0, 0, "W¹[0, 0]", probe.layer1.weights[(0, 0)]),
        (0, 17, "W¹[1, 1]", probe.layer1.weights[(1, 1)]),
        (1, 9, "b¹[9]", probe.layer1.bias[(9, 0)]),
        (2, 16 * 3 + 2, "W²[2, 3]", probe.layer2.weights[(2, 3)]),
        (4, 4 * 15 + 3, "W³[3, 15]", probe.layer3.weights[(3, 15)]),
        (5, 3, "b³[3]", probe.layer3.bias[(3, 0)]),
    ];
    for (tensor, index, name, value) in cases {
        assert_eq!(parameter_name(&specs[tensor], index), name);
        assert_eq!(tensors[tensor][index], value, "{name}");
    }
    // A tensor that is not a dense layer's keeps the name its model gives it, even when it is
    // called `weight` (batch normalization's scale is a vector).
    let spec = TensorSpec::new("layer2.weight", [3]);
    assert_eq!(parameter_name(&spec, 2), "layer2.weight[2]");
    let spec = TensorSpec::new("norm.bias", [3]);
    assert_eq!(parameter_name(&spec, 1), "norm.bias[1]");
}

#[test]
fn eq_6_12_relative_error() {
    // |a − b| / max(|a|, |b|, floor): symmetric, unchanged by scaling above the floor, and
    // measured against the floor below it.
    let cases: [(f64, f64); 4] = [(1.0, 1.1), (-3e-3, -2.9e-3), (5e-9, 7e-9), (0.0, 2e-5)];
    for (a, b) in cases {
        let expected = (a - b).abs() / a.abs().max(b.abs()).max(FLOOR);
        assert_eq!(relative_error(a, b, FLOOR), expected);
        assert_eq!(relative_error(b, a, FLOOR), expected);
    }
    let scaled = relative_error(2.0, 2.2, FLOOR);
    assert!((scaled - relative_error(1.0, 1.1, FLOOR)).abs() < 1e-15);
    // Two gradients of 5·10⁻⁹ and 7·10⁻⁹ differ by 40% but only by 2·10⁻⁹ in absolute terms.
    assert!(relative_error(5e-9, 7e-9, FLOOR) < 1e-4);
    assert!(relative_error(5e-9, 7e-9, 0.0) > 0.2);
}

#[test]
fn eq_6_11_cost_of_a_gradient() {
    // Central differences take 2 forward passes per parameter; backpropagation takes one
    // forward and one backward pass, and the backward pass does at most twice the multiply-adds
    // of the forward pass.
    let (mut probe, input, targets) = probe_setup();
    let loss = SoftmaxCrossEntropy;
    let (_, gradients) = loss_and_gradients(&probe, &loss, &input, &targets);
    let mut forward_passes = 0;
    let report = check_gradients(
        &mut probe,
        &gradients,
        |network| {
            forward_passes += 1;
            loss.value(&network.logits(&input), &targets)
        },
        GradCheckOptions::default(),
    );
    assert_eq!(forward_passes, 2 * probe.parameter_count());
    assert!(report.max_relative_error <= TOLERANCE, "{report:?}");

    let widths = Probe::<f64>::WIDTHS;
    assert_eq!(widths, [8, 16, 16, 4]);
    let parameters: usize = widths.windows(2).map(|w| w[0] * w[1] + w[1]).sum();
    assert_eq!(parameters, probe.parameter_count());
    let samples = input.ncols();
    let forward = forward_multiply_adds(&widths, samples);
    // W¹ is 16 × 8, W² 16 × 16, W³ 4 × 16: one multiply-add per weight and sample.
    let weights = 16 * 8 + 16 * 16 + 4 * 16;
    assert_eq!(forward, weights * samples);
    let backward = backward_multiply_adds(&widths, samples);
    assert!(forward < backward && backward <= 2 * forward);
    assert!(forward_passes * forward > 100 * (forward + backward));
}

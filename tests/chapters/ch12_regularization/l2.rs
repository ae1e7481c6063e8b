//! L2 regularization: the penalty (12.1), its gradient (12.2), weight decay under SGD (12.3), and
//! AdamW against an L2 penalty under Adam (12.4).

use super::*;

#[test]
fn eq_12_1_the_penalty_is_half_lambda_times_the_squared_weights_and_leaves_biases_out() {
    let data = toy_data();
    let mut network = Tiny::<f64>::new(&mut seeded(1));
    // Biases start at 0: give them values, so that leaving them out shows.
    let mut rng = seeded(11);
    network.visit_mut(&mut |t| t.iter_mut().for_each(|v| *v += rng.random_range(-0.5..0.5)));
    // By hand: the two weight matrices are tensors 0 and 2 (weight, bias, weight, bias).
    let specs = network.tensor_specs();
    let mut tensors = Vec::new();
    network.visit(&mut |t| tensors.push(t.to_vec()));
    assert_eq!(specs.len(), 4);
    let by_hand: f64 = [0, 2]
        .iter()
        .map(|&i| tensors[i].iter().map(|w| w * w).sum::<f64>())
        .sum();
    let lambda = 0.3;
    let data_loss = SoftmaxCrossEntropy.value(&network.logits(&data.inputs), &data.targets);
    let penalized = penalized_loss(&network, &data, lambda);
    assert!((penalized - data_loss - lambda / 2.0 * by_hand).abs() < 1e-12);
    // The library's penalty agrees, and biases are not in it.
    let mut gradients = network.zeros_like();
    let penalty = add_l2(&network, &mut gradients, lambda, &weight_slots(&specs));
    assert!(
        (penalty - lambda / 2.0 * by_hand).abs() < 1e-12,
        "{penalty}"
    );
    let bias_squares: f64 = [1, 3]
        .iter()
        .map(|&i| tensors[i].iter().map(|b| b * b).sum::<f64>())
        .sum();
    assert!(
        bias_squares > 0.01,
        "the biases are not zero, so leaving them out shows"
    );
}

#[test]
fn eq_12_2_the_penalty_adds_lambda_w_to_each_weight_gradient_and_nothing_to_biases() {
    let data = toy_data();
    let mut network = Tiny::<f64>::new(&mut seeded(2));
    let (_, plain) =
        loss_and_gradients(&network, &SoftmaxCrossEntropy, &data.inputs, &data.targets);
    let mut gradients = plain.clone();
    add_l2(
        &network,
        &mut gradients,
        LAMBDA,
        &weight_slots(&network.tensor_specs()),
    );
    let report = check_gradients(
        &mut network,
        &gradients,
        |n| penalized_loss(n, &data, LAMBDA),
        options(),
    );
    assert!(report.max_relative_error < 1e-6, "{report:?}");
    // The added term, entry by entry (λw on weights, 0 on biases), is what the check that
    // grades the learner's L2 gradient (exercise 12.3) verifies, against central differences.
    let outcome = exercises::checks::ch12_regularization::l2_gradient(library::l2_gradient);
    assert!(outcome.passed(), "{outcome:?}");
    let slots = weight_slots(&network.tensor_specs());
    // The penalty is λ/2 Σw², so its gradient is λw (not 2λw): a factor 2 fails the check.
    let mut doubled = plain.clone();
    add_l2(&network, &mut doubled, 2.0 * LAMBDA, &slots);
    let wrong = check_gradients(
        &mut network,
        &doubled,
        |n| penalized_loss(n, &data, LAMBDA),
        options(),
    );
    assert!(wrong.max_relative_error > 1e-3, "{wrong:?}");
}

#[test]
fn eq_12_3_l2_under_plain_sgd_is_weight_decay_by_one_minus_eta_lambda() {
    let penalized = hand_run(Sgd::new(SGD_RATE), LAMBDA, 0.0);
    let decayed = hand_run(Sgd::new(SGD_RATE), 0.0, LAMBDA);
    let plain = hand_run(Sgd::new(SGD_RATE), 0.0, 0.0);
    let same = max_difference(&penalized, &decayed);
    assert!(same < 1e-12, "penalty and decay differ by {same}");
    // Not vacuous: the regularization moved the weights a long way.
    assert!(max_difference(&penalized, &plain) > 0.5);
    assert!(weight_norm(&penalized) < 0.7 * weight_norm(&plain));
    // The mapping matters: decay by another factor is another trajectory.
    let off = hand_run(Sgd::new(SGD_RATE), 0.0, 2.0 * LAMBDA);
    assert!(max_difference(&penalized, &off) > 0.1);
}

#[test]
fn eq_12_4_adamw_decays_outside_the_moments_and_no_l2_penalty_under_adam_matches_it() {
    let adamw = hand_run(AdamW::with_weight_decay(ADAM_RATE, LAMBDA), 0.0, 0.0);
    // AdamW is Adam's step from g alone after multiplying the weights by 1 − ηλ.
    let by_hand = hand_run(Adam::new(ADAM_RATE), 0.0, LAMBDA);
    assert!(max_difference(&adamw, &by_hand) < 1e-12);
    // Adam on the penalized loss is another optimizer, for every λ' near λ: the penalty's
    // gradient goes through the division by √v̂.
    for scale in [0.01, 0.03, 0.1, 0.3, 1.0, 3.0] {
        let penalized = hand_run(Adam::new(ADAM_RATE), scale * LAMBDA, 0.0);
        let gap = max_difference(&penalized, &adamw);
        assert!(
            gap > 0.05,
            "Adam with L2 λ' = {} is within {gap} of AdamW",
            scale * LAMBDA
        );
    }
}

//! Early stopping (12.9).

use super::*;

#[test]
fn eq_12_9_early_stopping_returns_the_weights_of_the_lowest_validation_loss() {
    // The check that grades the learner's rule (exercise 12.4), on `fit`'s early stopping.
    let outcome = exercises::checks::ch12_regularization::early_stopping(library::early_stopping);
    assert!(outcome.passed(), "{outcome:?}");
    let (train, validation) = (noisy_task(100, 1), noisy_task(300, 2));
    let mut rng = seeded(3);
    let mut network = Memorizer::<f32>::new(&mut rng);
    let patience = 10;
    let config = TrainConfig {
        epochs: 60,
        batch_size: 20,
        early_stopping: Some(EarlyStopping {
            validation: &validation,
            patience,
        }),
        ..TrainConfig::default()
    };
    let (mut losses, mut weights) = (Vec::new(), Vec::new());
    let reports = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut Adam::new(0.01),
        &train,
        &config,
        &mut rng,
        on_epoch(|_, n: &Memorizer<f32>, _: &Adam<f32>| {
            losses.push(mean_loss(n, &SoftmaxCrossEntropy, &validation));
            weights.push(flat(n));
            Ok(())
        }),
    )
    .expect("trains");
    let best = lowest(&losses);
    let stopped = reports.len();
    assert!(stopped < 60, "the run overfits, so it stops early");
    assert_eq!(
        stopped,
        best + patience,
        "it stops `patience` epochs after the best"
    );
    assert_eq!(reports.last().and_then(|r| r.best_epoch), Some(best));
    assert_eq!(
        flat(&network),
        weights[best - 1],
        "the best epoch's weights, exactly"
    );
    assert_ne!(weights[best - 1], weights[stopped - 1]);
}

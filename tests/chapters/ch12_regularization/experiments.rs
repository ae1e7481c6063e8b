//! Chapter 12's experiments on a small seeded problem, which are not tied to one equation and
//! so are kept apart from the equation tests: a network that memorizes noisy labels and
//! what each regularizer does to its validation loss, and the headline run's early stopping.

use super::{Memorizer, noisy_task};
use chapters::ch12_regularization::overfit::{Curves, SmallRun, curves, lowest};
use nabla_tests::seeded;

nabla::network! {
    /// The same with dropout.
    struct MemorizerDropout: 16 => relu 128 => dropout(0.5) => softmax 4
}

const SMALL: SmallRun = SmallRun {
    epochs: 60,
    learning_rate: 0.01,
    batch_size: 20,
    l2: 0.0,
    patience: None,
};

fn small(run: SmallRun, dropout: bool) -> Curves {
    let (train, validation) = (noisy_task(100, 1), noisy_task(300, 2));
    let mut rng = seeded(3);
    if dropout {
        curves(
            MemorizerDropout::<f32>::new(&mut rng),
            &train,
            &validation,
            run,
            &mut rng,
        )
    } else {
        curves(
            Memorizer::<f32>::new(&mut rng),
            &train,
            &validation,
            run,
            &mut rng,
        )
    }
    .expect("trains")
}

#[test]
fn a_small_network_memorizes_noisy_labels_and_each_regularizer_helps_the_validation_loss() {
    let plain = small(SMALL, false);
    let lowest_of = |c: &Curves| c.validation_loss[lowest(&c.validation_loss) - 1];
    // Overfitting: the training loss goes to almost 0 while the validation loss climbs well
    // above its lowest value.
    let last_train = plain.train_loss[plain.train_loss.len() - 1];
    assert!(last_train < 0.05, "training loss {last_train}");
    assert!(
        plain.final_validation_loss > 1.4 * lowest_of(&plain),
        "{} vs {}",
        plain.final_validation_loss,
        lowest_of(&plain)
    );
    // The penalty and early stopping end far below the unregularized run's final loss.
    let l2 = small(SmallRun { l2: 0.01, ..SMALL }, false);
    let stopped = small(
        SmallRun {
            patience: Some(10),
            ..SMALL
        },
        false,
    );
    for (name, run) in [("L2", &l2), ("early stopping", &stopped)] {
        assert!(
            run.final_validation_loss < 0.8 * plain.final_validation_loss,
            "{name}: {} vs {}",
            run.final_validation_loss,
            plain.final_validation_loss
        );
    }
    assert!(
        stopped.validation_loss.len() < SMALL.epochs,
        "early stopping stopped"
    );
    assert_eq!(stopped.kept_epoch, lowest(&stopped.validation_loss));
    // Dropout memorizes too in the end, but more slowly: after 20 epochs its training loss
    // is several times the unregularized one, and its validation loss lower.
    let dropout = small(SMALL, true);
    let at = 20 - 1;
    assert!(
        dropout.train_loss[at] > 2.0 * plain.train_loss[at],
        "{} vs {}",
        dropout.train_loss[at],
        plain.train_loss[at]
    );
    assert!(
        dropout.validation_loss[at] < 0.92 * plain.validation_loss[at],
        "{} vs {}",
        dropout.validation_loss[at],
        plain.validation_loss[at]
    );
}

#[test]
fn the_headline_run_stops_early_on_a_validation_split_of_the_training_images() {
    use chapters::headline::{
        RunConfig, check_validation_size, checkpoint_settings, describe, run,
    };
    // One epoch: the stopping rule itself is checked by eq_12_9; this checks the wiring.
    let config = RunConfig {
        epochs: 1,
        early_stopping: Some(1),
        validation: 5000,
        ..RunConfig::default()
    };
    let trained = run(&config, |_| {}).expect("trains");
    for report in &trained.reports {
        // Trained on the 55,000 images left after holding out 5,000.
        let samples = (report.samples_per_second * report.seconds).round();
        assert_eq!(samples, 55_000.0, "epoch {}", report.epoch);
        assert!(report.validation_loss.is_some_and(f64::is_finite));
        assert!(
            report
                .best_epoch
                .is_some_and(|b| (1..=report.epoch).contains(&b))
        );
    }
    assert!(describe(&config).contains("early stopping: patience 1 epoch, 5,000 validation"));
    let settings = checkpoint_settings(&config).expect("settings");
    assert!(settings.iter().any(|(key, _)| key == "early_stopping"));
    let plain = checkpoint_settings(&RunConfig::default()).expect("settings");
    assert!(plain.iter().all(|(key, _)| key != "early_stopping"));
    let dir = std::path::Path::new("data");
    assert!(check_validation_size(59_999, 60_000, dir).is_ok());
    for bad in [0, 60_000, 70_000] {
        assert!(check_validation_size(bad, 60_000, dir).is_err(), "{bad}");
    }
}

//! Chapter 13's exercises: typical wrong answers fail with their mistake named. (That the
//! library's `Conv2d` and `MaxPool2d` pass the same checks belongs with the book's equation
//! tests of chapter 13.)

use exercises::checks::ch13_convolutions as check;
use exercises::solutions::ch13_convolutions as solution;
use exercises::{Failure, Outcome};

/// The mistake a failing outcome names.
fn mistake(outcome: Outcome) -> String {
    match outcome {
        Outcome::Failed(Failure {
            likely_mistake: Some(m),
            ..
        }) => m,
        other => panic!("expected a failure with a named mistake, got {other:?}"),
    }
}

#[test]
fn wrong_output_sizes_fail_with_their_mistake_named() {
    let no_plus_one = |h: usize, k: usize, p: usize| (h + 2 * p).checked_sub(k).filter(|&n| n > 0);
    assert!(mistake(check::output_size(no_plus_one)).contains("+1 is missing"));
    let padding_once = |h: usize, k: usize, p: usize| (h + p + 1).checked_sub(k).filter(|&n| n > 0);
    assert!(mistake(check::output_size(padding_once)).contains("counted once"));
    let no_padding = |h: usize, k: usize, _p: usize| (h + 1).checked_sub(k).filter(|&n| n > 0);
    assert!(mistake(check::output_size(no_padding)).contains("left out"));
    // A kernel that does not fit must give None, not 0.
    let zero_for_too_large = |h: usize, k: usize, p: usize| Some((h + 2 * p + 1).saturating_sub(k));
    assert!(!check::output_size(zero_for_too_large).passed());
}

/// `solution::conv2d` with the kernel first rearranged by `index`.
fn conv_with_kernel(
    index: fn(usize, usize) -> usize,
) -> impl Fn(&[f64], usize, usize, &[f64], usize, usize) -> Vec<f64> {
    move |image, h, w, kernel, k, p| {
        let rearranged: Vec<f64> = (0..k * k).map(|n| kernel[index(n, k)]).collect();
        solution::conv2d(image, h, w, &rearranged, k, p)
    }
}

#[test]
fn wrong_convolutions_fail_with_their_mistake_named() {
    let flipped = conv_with_kernel(|n, k| k * k - 1 - n);
    assert!(mistake(check::conv2d(flipped)).contains("flipped the kernel"));
    let transposed = conv_with_kernel(|n, k| (n % k) * k + n / k);
    assert!(mistake(check::conv2d(transposed)).contains("transposed"));
    let unpadded =
        |image: &[f64], h, w, kernel: &[f64], k, _p| solution::conv2d(image, h, w, kernel, k, 0);
    let outcome = check::conv2d(unpadded);
    assert!(
        matches!(&outcome, Outcome::Failed(f) if f.explanation.contains("by (13.2)")),
        "{outcome:?}"
    );
}

/// `solution::kernel_gradient` with its result rearranged by `index`.
fn gradient_rearranged(
    index: fn(usize, usize) -> usize,
) -> impl Fn(&[f64], usize, usize, &[f64], usize, usize) -> Vec<f64> {
    move |image, h, w, delta, k, p| {
        let right = solution::kernel_gradient(image, h, w, delta, k, p);
        (0..k * k).map(|n| right[index(n, k)]).collect()
    }
}

#[test]
fn wrong_kernel_gradients_fail_with_their_mistake_named() {
    let flipped = gradient_rearranged(|n, k| k * k - 1 - n);
    let said = mistake(check::kernel_gradient(flipped, solution::conv2d));
    assert!(said.contains("flipped"), "{said}");
    let transposed = gradient_rearranged(|n, k| (n % k) * k + n / k);
    let said = mistake(check::kernel_gradient(transposed, solution::conv2d));
    assert!(said.contains("transposed"), "{said}");
    let negated = |image: &[f64], h, w, delta: &[f64], k, p| -> Vec<f64> {
        let right = solution::kernel_gradient(image, h, w, delta, k, p);
        right.into_iter().map(|g| -g).collect()
    };
    let said = mistake(check::kernel_gradient(negated, solution::conv2d));
    assert!(said.contains("wrong sign"), "{said}");
}

#[test]
fn the_kernel_gradient_is_checked_against_the_learners_own_forward_pass() {
    // With a forward pass that is still a stub, the check falls back on the definition and
    // says so; the right gradient passes either way.
    let stub = |_: &[f64], _: usize, _: usize, _: &[f64], _: usize, _: usize| -> Vec<f64> {
        todo!("EXERCISE 13.2")
    };
    let outcome = check::kernel_gradient(solution::kernel_gradient, stub);
    assert!(
        matches!(&outcome, Outcome::Passed(text) if text.contains("does not pass yet")),
        "{outcome:?}"
    );
    let outcome = check::kernel_gradient(solution::kernel_gradient, solution::conv2d);
    assert!(
        matches!(&outcome, Outcome::Passed(text) if text.contains("your conv2d")),
        "{outcome:?}"
    );
}

#[test]
fn wrong_pooling_gradients_fail_with_their_mistake_named() {
    let average = |_input: &[f64], h: usize, w: usize, g: &[f64]| -> Vec<f64> {
        (0..h * w)
            .map(|p| g[(p / w / 2) * (w / 2) + (p % w) / 2] / 4.0)
            .collect()
    };
    assert!(mistake(check::max_pool_backward(average)).contains("average pooling"));
    let everywhere = |_input: &[f64], h: usize, w: usize, g: &[f64]| -> Vec<f64> {
        (0..h * w)
            .map(|p| g[(p / w / 2) * (w / 2) + (p % w) / 2])
            .collect()
    };
    assert!(mistake(check::max_pool_backward(everywhere)).contains("every input"));
    // Routing to the smallest input of each block is simply wrong: it fails.
    let to_minimum = |input: &[f64], h: usize, w: usize, g: &[f64]| -> Vec<f64> {
        let negated: Vec<f64> = input.iter().map(|x| -x).collect();
        solution::max_pool_backward(&negated, h, w, g)
    };
    assert!(!check::max_pool_backward(to_minimum).passed());
}

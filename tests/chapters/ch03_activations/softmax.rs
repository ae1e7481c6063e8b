//! Softmax: its definition (3.13), its shift invariance (3.14), its Jacobian (3.15) and its
//! backward pass (3.16).

use super::*;

#[test]
fn eq_3_13_softmax_definition() {
    // sᵢ = e^{zᵢ} / Σⱼ e^{zⱼ}: positive and summing to 1.
    let mut rng = seeded(31);
    for _ in 0..200 {
        let n = rng.random_range(2..8);
        let z = uniform_vec(&mut rng, n, -10.0, 10.0);
        let mut s = vec![0.0; n];
        softmax_into(&z, &mut s);
        let total: f64 = z.iter().map(|zj| zj.exp()).sum();
        for (si, zi) in s.iter().zip(&z) {
            assert!(relative_error(*si, zi.exp() / total, 1e-300) < 1e-13);
            assert!(*si > 0.0);
        }
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }
}

#[test]
fn eq_3_14_softmax_shift_invariance() {
    // s(z + c 1) = s(z) for every c, which is why the library subtracts max z first: logits of
    // 1000 would overflow e^z but give the same probabilities as logits of 0.
    let mut rng = seeded(32);
    for _ in 0..200 {
        let z = uniform_vec(&mut rng, 5, -5.0, 5.0);
        let c = rng.random_range(-700.0..700.0);
        let shifted: Vec<f64> = z.iter().map(|zi| zi + c).collect();
        let (mut s, mut s_shifted) = (vec![0.0; 5], vec![0.0; 5]);
        softmax_into(&z, &mut s);
        softmax_into(&shifted, &mut s_shifted);
        for (a, b) in s.iter().zip(&s_shifted) {
            assert!(relative_error(*a, *b, 1e-300) < 1e-11, "c = {c}");
        }
    }
}

#[test]
fn eq_3_15_softmax_jacobian() {
    // ∂sᵢ/∂zⱼ = sᵢ(δᵢⱼ − sⱼ), that is J = diag(s) − s sᵀ, against central differences of the
    // library's softmax; its columns sum to 0 and it is symmetric.
    let mut rng = seeded(33);
    for _ in 0..100 {
        let n = rng.random_range(2..7);
        let z = uniform_vec(&mut rng, n, -4.0, 4.0);
        let analytic = softmax_jacobian(&z);
        let numeric = softmax_jacobian_numeric(&z);
        for i in 0..n {
            for j in 0..n {
                let error = relative_error(analytic[i][j], numeric[i][j], FLOOR);
                assert!(error <= TOLERANCE, "J[{i}][{j}]: relative error {error:e}");
                assert_eq!(analytic[i][j], analytic[j][i]);
            }
        }
        let column_sums = analytic.iter().fold(vec![0.0; n], |sums, row| {
            sums.iter().zip(row).map(|(sum, x)| sum + x).collect()
        });
        assert!(column_sums.iter().all(|sum: &f64| sum.abs() < 1e-15));
    }
    // The finite differences here are computed independently of the chapter's helper too.
    let z = [0.3, -1.2, 2.0, 0.0];
    let analytic = softmax_jacobian(&z);
    for (i, analytic_row) in analytic.iter().enumerate() {
        let numeric_row = finite_difference_gradient(
            |z| {
                let mut s = [0.0; 4];
                softmax_into(z, &mut s);
                s[i]
            },
            &z,
        );
        for (a, n) in analytic_row.iter().zip(&numeric_row) {
            assert!(relative_error(*a, *n, FLOOR) <= TOLERANCE);
        }
    }
}

#[test]
fn eq_3_16_softmax_backward() {
    // ∂L/∂z = Jᵀ g = s ⊙ (g − (sᵀg) 1): the library's backward pass against the Jacobian and
    // against central differences of C(z) = g · softmax(z), over a batch of 8 columns.
    let mut rng = seeded(34);
    let rows = 4;
    let z = uniform_vec(&mut rng, rows * 8, -4.0, 4.0);
    let g = uniform_vec(&mut rng, rows * 8, -1.0, 1.0);
    let error = activation_backward_error(&Softmax, &z, &g, rows);
    assert!(error <= TOLERANCE, "relative error {error:e}");

    let mut s = vec![0.0; z.len()];
    Softmax.forward(&z, &mut s, rows);
    let mut backward = g.clone();
    Softmax.backward(&z, &s, &mut backward, rows);
    for column in 0..8 {
        let range = column * rows..(column + 1) * rows;
        let jacobian = softmax_jacobian(&z[range.clone()]);
        for j in 0..rows {
            let through_jacobian: f64 =
                (0..rows).map(|i| jacobian[i][j] * g[range.start + i]).sum();
            assert!((backward[range.start + j] - through_jacobian).abs() < 1e-14);
        }
    }
}

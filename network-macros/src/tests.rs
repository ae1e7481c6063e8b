//! Unit tests of the parse → validate → expand pipeline; those of the image steps are in
//! [`image`].

use crate::network_tokens;

/// The expansion of `input`, which must be a compile error; panics otherwise.
fn error_of(input: &str) -> String {
    let tokens: proc_macro2::TokenStream = input.parse().expect("test input must tokenize");
    let expanded = network_tokens(tokens).to_string();
    assert!(
        expanded.contains("compile_error"),
        "expected an error for `{input}`, got {expanded}"
    );
    expanded
}

#[test]
fn parses_both_forms() {
    for input in [
        "784 => relu 128 => softmax 10",
        "pub struct Mnist: 784 => relu 128 => softmax 10",
    ] {
        let expanded = network_tokens(input.parse().unwrap()).to_string();
        assert!(!expanded.contains("compile_error"), "{expanded}");
        assert!(expanded.contains("Dense < T , 784 , 128 >"), "{expanded}");
    }
}

#[test]
fn errors_name_the_problem() {
    assert!(error_of("784 => rleu 128").contains("did you mean `relu`"));
    assert!(error_of("784 => softmax 128 => relu 10").contains("only be the output layer"));
    assert!(error_of("784 => relu 0").contains("at least 1"));
    assert!(error_of("784 => relu 12.5").contains("whole number"));
    assert!(error_of("784 => relu -8").contains("a layer width must be a positive whole number"));
    assert!(error_of("-784 => relu 8").contains("the input width must be a positive"));
    assert!(
        error_of("pub struct Net: -784 => relu 8").contains("the input width must be a positive")
    );
    assert!(error_of("784 => relu -12.5").contains("not `-12.5`"));
    assert!(error_of("784 => relu").contains("missing the width"));
    assert!(error_of("784 => relu 128 =>").contains("trailing `=>`"));
    assert!(error_of("").contains("empty network"));
    assert!(error_of("784").contains("at least one layer"));
    assert!(error_of("784 => leaky_relu(2) 10").contains("slope"));
    assert!(error_of("784 => relu(2) 10").contains("takes no argument"));
    assert!(error_of("784 => softmax 1").contains("sigmoid 1"));
    assert!(error_of("784 -> relu 10").contains("expected `=>`"));
    assert!(error_of("784 => relu 8 => dropout(1.5) => relu 2").contains("below 1"));
    assert!(error_of("784 => relu 8 => dropout(-0.1) => relu 2").contains("found `-0.1`"));
    assert!(error_of("784 => relu 8 => dropout => relu 2").contains("`dropout(0.5)`"));
    assert!(error_of("784 => relu 8 => batchnorm(3) => relu 2").contains("takes no argument"));
    assert!(error_of("784 => relu 8 => batchnorm 8 => relu 2").contains("keeps the width"));
    assert!(error_of("784 => relu 8 => batchnorm").contains("must end with a dense layer"));
    assert!(error_of("784 => relu 8 => dropout(0.2)").contains("must end with a dense layer"));
    assert!(error_of("784 => relu 8 => softmax => relu 2").contains("only be the output layer"));
    assert!(error_of("784 => relu 8 => tanh(2) => relu 2").contains("takes no argument"));
}

#[test]
fn parses_the_other_steps() {
    for input in [
        "pub struct Net: 784 => relu 256 => batchnorm => dropout(0.2) => relu 128 => softmax 10",
        "784 => linear 256 => batchnorm => relu => softmax 10",
        "784 => relu => softmax 10",
        "4 => batchnorm => dropout(0) => leaky_relu(0.2) => sigmoid 1",
    ] {
        let expanded = network_tokens(input.parse().unwrap()).to_string();
        assert!(!expanded.contains("compile_error"), "{input}: {expanded}");
    }
}

#[test]
fn suggestions_catch_typos_but_not_strangers() {
    use crate::valid::suggestion;
    assert_eq!(suggestion("sigmod"), Some("sigmoid"));
    assert_eq!(suggestion("ReLU"), Some("relu"));
    assert_eq!(suggestion("leakyrelu"), Some("leaky_relu"));
    assert_eq!(suggestion("convolution"), None);
    assert_eq!(suggestion("batchnrom"), Some("batchnorm"));
    assert_eq!(suggestion("BatchNorm"), Some("batchnorm"));
    assert_eq!(suggestion("droput"), Some("dropout"));
}

#[test]
fn each_name_gets_its_own_module() {
    use crate::expand::module_name;
    let module = |name: &str| module_name(&syn::parse_str(name).unwrap()).to_string();
    assert_eq!(module("Mnist"), "mnist_network");
    assert_eq!(module("MnistNet"), "mnist_net_network");
    assert_eq!(module("Net2Layer"), "net2_layer_network");
    assert_eq!(module("r#Net"), "net_network");
    assert_eq!(module("NET"), "_NET_network");
    assert_eq!(module("XORNet"), "_XORNet_network");
    assert_eq!(module("net"), "_net_network");
    assert_eq!(module("Mnist_Net"), "_Mnist_Net_network");
    assert_eq!(module("Réseau"), "réseau_network");
}

/// Feeds the macro thousands of token sequences built from its own vocabulary and junk, in a
/// fixed pseudo-random order: it must answer each with code or a compile error, never a panic.
#[test]
fn never_panics_on_malformed_input() {
    let vocabulary = [
        "784",
        "0",
        "10",
        "12.5",
        "-",
        "=>",
        "->",
        "relu",
        "softmax",
        "leaky_relu",
        "(",
        ")",
        "(0.1)",
        "(-1)",
        "()",
        "struct",
        "pub",
        "Net",
        ":",
        "#[doc = \"x\"]",
        "tanh",
        "foo",
        ",",
        ";",
        "1e3",
        "99999999999999999999",
        "'a'",
        "\"s\"",
        "[]",
        "{}",
        "relu6",
        "sigmoid",
        "linear",
        "batchnorm",
        "dropout",
        "(0.5)",
        "(1.5)",
        "1x28x28",
        "0x2x2",
        "28x28",
        "conv",
        "(8, 5x5)",
        "(1, 3x3, pad = 1)",
        "(0, 99999999999x99999999999, pad = 99999999999)",
        "5x5",
        "maxpool",
        "(2)",
        "pad",
        "=",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..5000 {
        let length = (next() % 9) as usize;
        let text: Vec<&str> = (0..length)
            .map(|_| vocabulary[(next() % vocabulary.len() as u64) as usize])
            .collect();
        let text = text.join(" ");
        // Unbalanced delimiters do not even tokenize; those never reach a macro.
        if let Ok(tokens) = text.parse::<proc_macro2::TokenStream>() {
            let _ = network_tokens(tokens);
        }
    }
}

/// The expansions the book shows, kept in `snapshots/`: regenerate with `UPDATE_SNAPSHOTS=1`.
fn check_snapshot(declaration: &str, file_name: &str) {
    let tokens = network_tokens(declaration.parse().unwrap());
    let file: syn::File = syn::parse2(tokens).expect("the expansion is valid Rust");
    let pretty = format!(
        "// The expansion of `network! {{ {declaration} }}`,\n\
         // generated by network-macros/src/tests.rs (UPDATE_SNAPSHOTS=1 cargo test -p nabla-network-macros).\n\n{}",
        prettyplease::unparse(&file)
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(file_name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &pretty).expect("write snapshot");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == pretty,
        "the expansion changed; rerun with UPDATE_SNAPSHOTS=1 and review the diff of {}",
        path.display()
    );
}

#[test]
fn mnist_expansion_matches_snapshot() {
    check_snapshot(
        "pub struct Mnist: 784 => relu 128 => softmax 10",
        "mnist.expanded.rs",
    );
}

#[test]
fn regularized_expansion_matches_snapshot() {
    check_snapshot(
        "pub struct Regularized: 784 => relu 256 => batchnorm => dropout(0.2) => relu 128 => softmax 10",
        "regularized.expanded.rs",
    );
}

/// The error `derive(Parameters)` gives for `input`, or `None` if it derives.
fn derive_error(input: &str) -> Option<String> {
    let parsed: syn::DeriveInput = syn::parse_str(input).expect("valid Rust");
    crate::derive::derive(&parsed)
        .err()
        .map(|error| error.to_string())
}

#[test]
fn derive_parameters_needs_a_struct_of_named_parts_over_a_scalar() {
    let derives = "struct Net<T: Scalar> { hidden: Dense<T, 2, 3>, #[parameters(skip)] seed: u64 }";
    assert_eq!(derive_error(derives), None);
    let with_architecture =
        "#[parameters(architecture = \"2 => relu 3\")] struct Net<T: Scalar> { a: Dense<T, 2, 3> }";
    assert_eq!(derive_error(with_architecture), None);
    let cases = [
        ("enum Net<T> { A(T) }", "needs a struct"),
        ("struct Net<T>(Dense<T, 2, 3>);", "needs named fields"),
        (
            "struct Net { a: Dense<f32, 2, 3> }",
            "scalar type as the struct's first type parameter",
        ),
        (
            "struct Net<T> { #[parameters(frozen)] a: Dense<T, 2, 3> }",
            "`#[parameters(skip)]` only",
        ),
        (
            "#[parameters(name = \"x\")] struct Net<T> { a: Dense<T, 2, 3> }",
            "architecture",
        ),
    ];
    for (input, expected) in cases {
        let error = derive_error(input).unwrap_or_else(|| panic!("`{input}` derives"));
        assert!(error.contains(expected), "`{input}`: {error}");
    }
}

mod image;

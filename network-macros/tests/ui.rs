//! The compile errors of `network!` a learner meets, checked against the committed `.stderr`
//! files (which the book shows). Every one is found by the macro itself, so each case names this
//! crate as `nabla` (its last line) and needs nothing else: trybuild then builds the macro alone,
//! not the library and nalgebra. The errors of layers wired by hand, which need the library, are
//! `core/tests/type_errors.rs`. Regenerate the files after a compiler upgrade with
//! `TRYBUILD=overwrite cargo test -p nabla-network-macros --test ui`.

#[test]
fn compile_errors() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}

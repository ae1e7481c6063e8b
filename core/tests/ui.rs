//! Compile errors a learner meets, from `network!` and from layers wired by hand, checked against
//! the committed `.stderr` files (which the book shows). They live with the library rather than
//! the macro because a case that compiles the macro's expansion, or wires layers, needs the
//! library. Regenerate them after a compiler upgrade with
//! `TRYBUILD=overwrite cargo test -p nabla --test ui`.

#[test]
fn compile_errors() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}

//! Compile errors a learner meets, checked against the committed `.stderr` files.
//! Regenerate them after a compiler upgrade with `TRYBUILD=overwrite cargo test -p nabla-network-macros --test ui`.

#[test]
fn compile_errors() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}

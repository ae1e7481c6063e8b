//! The `network!` macro: `network!(784 => relu 128 => softmax 10)`, and convolutional networks
//! from an image shape: `network!(1x28x28 => conv(8, 5x5) relu => maxpool(2) => softmax 10)`.
//!
//! A pipeline in three stages, one module each:
//! [`ast`] parses the tokens (one `Parse` impl per grammar rule), [`valid`] checks them and
//! builds a [`valid::Network`] (every error a `syn::Error` pointing at the offending token), and
//! [`expand`] writes the statically typed code with `quote!`. Use it through `nabla::network`,
//! which is how the generated code finds the library.

#![forbid(unsafe_code)]

mod ast;
mod derive;
mod expand;
mod valid;

use proc_macro::TokenStream;

/// Declares a feed-forward network whose layer sizes are part of its type.
///
/// ```text
/// network! { pub struct Mnist: 784 => relu 128 => softmax 10 }   // declares the type `Mnist<T = f32>`
/// let net = network!(2 => tanh 8 => sigmoid 1);                  // a value of an unnamed type, f32, seed 0
/// ```
///
/// Activations: `identity` (or `linear`), `sigmoid`, `tanh`, `relu`, `leaky_relu` (slope 0.01,
/// or `leaky_relu(0.2)`), `relu6`, and `softmax` (output layer only). `=> ACTIVATION WIDTH` is a
/// dense layer; without a width the activation stands on its own. `=> batchnorm` (batch
/// normalization) and `=> dropout(P)` (`0 ≤ P < 1`) keep the width before them:
///
/// ```text
/// network! { pub struct Net: 784 => relu 256 => batchnorm => dropout(0.2) => relu 128 => softmax 10 }
/// ```
///
/// A convolutional network starts from an image, `CHANNELSxHEIGHTxWIDTH`, and puts its
/// convolutions and max-poolings before the dense layers, which read the last image flattened
/// (`C·H·W` features):
///
/// ```text
/// network! { pub struct LeNet: 1x28x28 => conv(8, 5x5) relu => maxpool(2) => conv(16, 5x5) relu => maxpool(2) => relu 120 => softmax 10 }
/// ```
///
/// `conv(C, KxK)` is a convolution to `C` channels with square `K × K` kernels, stride 1;
/// `conv(C, KxK, pad = P)` adds `P` zeros around the image first (`pad = (K − 1)/2` keeps its
/// size). An activation written after it (`conv(8, 5x5) relu`) is applied to its output, as
/// `=> relu` would be, and picks its initializer (He for the ReLU family). `maxpool(2)` keeps
/// the largest of each 2×2 window, halving an image whose height and width are even. The macro
/// computes every shape (`H + 2P − K + 1` after a convolution) and writes it into the types; a
/// shape that does not fit is one compile error at the offending token that states the shapes.
/// Standalone activations and `dropout(P)` may stand between image steps; `batchnorm` may not
/// (channel-wise batch norm is another layer).
///
/// The last step is a dense layer with a width; its activation picks the loss.
#[proc_macro]
pub fn network(input: TokenStream) -> TokenStream {
    network_tokens(input.into()).into()
}

/// Implements `nabla::network::Parameters` for a struct made of parts: visits the fields in
/// order and names each tensor after its field (`hidden.weight`); see the `derive` module.
///
/// ```text
/// #[derive(nabla::Parameters)]
/// #[parameters(architecture = "784 => relu 128 => softmax 10")]
/// pub struct Mlp<T: Scalar> { hidden: Dense<T, 784, 128>, output: Dense<T, 128, 10> }
/// ```
#[proc_macro_derive(Parameters, attributes(parameters))]
pub fn derive_parameters(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive::derive(&input)
        .unwrap_or_else(|error| error.to_compile_error())
        .into()
}

/// The macro on `proc_macro2` tokens, so that it can be tested outside a compiler invocation.
fn network_tokens(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    syn::parse2::<ast::Invocation>(input)
        .and_then(|invocation| valid::check(&invocation))
        .map(|network| expand::expand(&network))
        .unwrap_or_else(|error| error.to_compile_error())
}

#[cfg(test)]
mod tests;

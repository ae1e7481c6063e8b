//! Writes the code for a checked [`Network`]: a struct with one typed field per step, a trace
//! struct holding each step's intermediate values, `#[derive(nabla::Parameters)]` (so the
//! tensors are listed from the fields, as for any model made of parts), and an impl of `nabla`'s
//! `Network` trait whose forward and backward passes are written out step by step. Every path is
//! absolute (`::nabla::...`), so the code works in any crate that depends on `nabla`.
//!
//! The fields, numbered per kind from 1 in the order written: `layerN: Dense` (a dense layer,
//! its activation fused: the trace keeps `weighted_inputN`, `activationN` and `deltaN` for
//! hidden layers, `logits` for the last), `normN: BatchNorm`, `dropoutN: Dropout` and
//! `actN: Activate<…>` (a standalone activation, or the one written after a convolution),
//! `convN: Conv2d<T, IN, OUT, C_IN, H, W, C_OUT, K, P>` and `poolN: MaxPool2d<IN, OUT, C, H, W>`
//! (every number computed by validation). Each kind but `Dense` has a trace field of the same
//! name (its `Layer::Cache`, holding its output) and `…_gradient`, ∂L/∂ its output; all of them
//! run through `nabla::layer::Layer`. A dense layer after an image reads it flattened: the
//! layout of an image (`c·H·W + y·W + x`) is already that of its features.
//! A network of dense layers only expands exactly as it did before the other kinds existed.

mod image;
mod layout;
mod parts;
mod trace;

use crate::valid::{Activation, Declaration, ImpliedLoss, Network};
use layout::Layout;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::{Ident, Visibility};

/// The tokens `network!` expands to.
pub fn expand(network: &Network) -> TokenStream {
    match &network.declaration {
        Some(declaration) => declare_in_module(network, declaration),
        None => {
            let declaration = Declaration {
                attributes: Vec::new(),
                visibility: Visibility::Inherited,
                name: format_ident!("Network"),
            };
            let items = declare(network, &declaration);
            quote! {{
                #items
                Network::<f32>::new(&mut <::nabla::rand::rngs::StdRng as ::nabla::rand::SeedableRng>::seed_from_u64(0))
            }}
        }
    }
}

/// The declaring form: the items in a module of their own, re-exported with the visibility the
/// user wrote. Declaring the same name twice in a module then collides only on the module and the
/// two re-exports (three errors), instead of on every generated impl, method and constant (29 to
/// 47 errors, as measured with rustc 1.95): a second `impl Net` would otherwise attach to the
/// first `Net`.
fn declare_in_module(network: &Network, declaration: &Declaration) -> TokenStream {
    let Declaration {
        visibility, name, ..
    } = declaration;
    let trace = trace_name(name);
    let module = module_name(name);
    let items = declare(
        network,
        &Declaration {
            visibility: syn::parse_quote!(pub),
            ..declaration.clone()
        },
    );
    let module_doc = [
        format!(" The items of `{name}`, in a module of their own and re-exported above: a second"),
        format!(" `{name}` in the same module then collides on the module and the two re-exported"),
        " names only, not on every generated impl and method. `use super::*` lets the attributes"
            .to_string(),
        " written before `struct` (doc links, say) name what the declaring module can name."
            .to_string(),
    ];
    quote! {
        #[allow(unused_imports)] // the trace is often not named
        #visibility use #module::{#name, #trace};

        #(#[doc = #module_doc])*
        mod #module {
            #[allow(unused_imports)]
            use super::*;

            #items
        }
    }
}

/// `Mnist` → `MnistTrace`, spanned on the user's name so that errors about it point there.
fn trace_name(name: &Ident) -> Ident {
    format_ident!("{}Trace", name, span = name.span())
}

/// `Mnist` → `mnist_network`, `MnistNet` → `mnist_net_network`: the module the declaring form
/// puts its items in. A name that snake case does not map back to itself (`NET`, `XORNet`, `net`)
/// keeps its spelling behind an underscore (`_NET_network`), so that two different names never
/// share a module.
pub fn module_name(name: &Ident) -> Ident {
    let written = name.unraw().to_string();
    let mut snake = String::new();
    let mut previous = '_';
    for character in written.chars() {
        if character.is_ascii_uppercase() && previous != '_' && !previous.is_ascii_uppercase() {
            snake.push('_');
        }
        snake.push(character.to_ascii_lowercase());
        previous = character;
    }
    let camel: String = snake
        .split('_')
        .map(|word| {
            let mut characters = word.chars();
            characters.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + characters.as_str()
            })
        })
        .collect();
    if camel == written {
        format_ident!("{snake}_network")
    } else {
        format_ident!("_{written}_network")
    }
}

/// `12` → `¹²`, for the book's layer indices.
fn superscript(number: usize) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    number
        .to_string()
        .chars()
        .map(|digit| DIGITS[digit.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

/// The activation as a value: `::nabla::activation::Relu`, `LeakyRelu { slope: 0.2 }`.
fn activation_value(activation: Activation) -> TokenStream {
    let ty = activation_type(activation);
    match activation {
        Activation::LeakyRelu { slope } => {
            let slope = Literal::f64_unsuffixed(slope);
            quote!(#ty { slope: #slope })
        }
        _ => ty,
    }
}

/// The activation's type in `nabla::activation`.
fn activation_type(activation: Activation) -> TokenStream {
    let name = format_ident!("{}", activation.info().type_name);
    quote!(::nabla::activation::#name)
}

/// He initialization for the ReLU family, Xavier for the rest.
fn initializer(activation: Activation) -> TokenStream {
    if activation.info().he_init {
        quote!(::nabla::init::Init::He)
    } else {
        quote!(::nabla::init::Init::Xavier)
    }
}

/// The loss an output activation implies: its type and its value.
fn implied_loss(activation: Activation) -> (TokenStream, TokenStream) {
    let plain = |name: &str| {
        let name = format_ident!("{name}");
        (quote!(::nabla::loss::#name), quote!(::nabla::loss::#name))
    };
    match activation.info().loss {
        ImpliedLoss::SoftmaxCrossEntropy => plain("SoftmaxCrossEntropy"),
        ImpliedLoss::SigmoidBinaryCrossEntropy => plain("SigmoidBinaryCrossEntropy"),
        ImpliedLoss::MeanSquaredError => plain("MeanSquaredError"),
        ImpliedLoss::MeanSquaredErrorAfterActivation => {
            let (ty, value) = (activation_type(activation), activation_value(activation));
            (
                quote!(::nabla::loss::AfterActivation<#ty, ::nabla::loss::MeanSquaredError>),
                quote!(::nabla::loss::AfterActivation { activation: #value, loss: ::nabla::loss::MeanSquaredError }),
            )
        }
    }
}

/// The items of a declared network, in order: the struct, the trace, the inherent impl and the
/// `Network` impl, each written by its own function in [`parts`] from one shared [`Layout`].
fn declare(network: &Network, declaration: &Declaration) -> TokenStream {
    let layout = Layout::new(network);
    let trace = trace_name(&declaration.name);
    let parts = [
        parts::network_struct(&layout, declaration),
        trace::trace(&layout, declaration, &trace),
        parts::inherent_methods(&layout, &declaration.name),
        parts::network_impl(&layout, &declaration.name, &trace),
    ];
    quote!(#(#parts)*)
}

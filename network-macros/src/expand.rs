//! Writes the code for a checked [`Network`]: a struct with one typed `Dense` field per layer,
//! a trace struct holding each layer's intermediate values, `#[derive(nabla::Parameters)]` (so
//! the tensors are listed from the fields, as for any model made of parts), and an impl of
//! `nabla`'s `Network` trait whose forward and backward passes are written out layer by layer. Every path is absolute (`::nabla::...`), so the code works in any crate that depends
//! on `nabla`.

use crate::valid::{Activation, Declaration, Network};
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

fn activation_value(activation: Activation) -> TokenStream {
    match activation {
        Activation::Identity => quote!(::nabla::activation::Identity),
        Activation::Sigmoid => quote!(::nabla::activation::Sigmoid),
        Activation::Tanh => quote!(::nabla::activation::Tanh),
        Activation::Relu => quote!(::nabla::activation::Relu),
        Activation::LeakyRelu { slope } => {
            let slope = Literal::f64_unsuffixed(slope);
            quote!(::nabla::activation::LeakyRelu { slope: #slope })
        }
        Activation::Relu6 => quote!(::nabla::activation::Relu6),
        Activation::Softmax => quote!(::nabla::activation::Softmax),
    }
}

fn activation_type(activation: Activation) -> TokenStream {
    match activation {
        Activation::LeakyRelu { .. } => quote!(::nabla::activation::LeakyRelu),
        other => activation_value(other),
    }
}

/// He initialization for the ReLU family, Xavier for the rest.
fn initializer(activation: Activation) -> TokenStream {
    match activation {
        Activation::Relu | Activation::LeakyRelu { .. } | Activation::Relu6 => {
            quote!(::nabla::init::Init::He)
        }
        _ => quote!(::nabla::init::Init::Xavier),
    }
}

/// The loss an output activation implies: its type and its value.
fn implied_loss(activation: Activation) -> (TokenStream, TokenStream) {
    match activation {
        Activation::Softmax => (
            quote!(::nabla::loss::SoftmaxCrossEntropy),
            quote!(::nabla::loss::SoftmaxCrossEntropy),
        ),
        Activation::Sigmoid => (
            quote!(::nabla::loss::SigmoidBinaryCrossEntropy),
            quote!(::nabla::loss::SigmoidBinaryCrossEntropy),
        ),
        Activation::Identity => (
            quote!(::nabla::loss::MeanSquaredError),
            quote!(::nabla::loss::MeanSquaredError),
        ),
        other => {
            let (ty, value) = (activation_type(other), activation_value(other));
            (
                quote!(::nabla::loss::AfterActivation<#ty, ::nabla::loss::MeanSquaredError>),
                quote!(::nabla::loss::AfterActivation { activation: #value, loss: ::nabla::loss::MeanSquaredError }),
            )
        }
    }
}

fn declare(network: &Network, declaration: &Declaration) -> TokenStream {
    let Declaration {
        attributes,
        visibility,
        name,
    } = declaration;
    let trace = trace_name(name);
    let architecture = network.architecture();
    let count = network.layers.len();
    let input = Literal::usize_unsuffixed(network.input);
    let output = Literal::usize_unsuffixed(network.layers[count - 1].width);
    let widths: Vec<_> = std::iter::once(network.input)
        .chain(network.layers.iter().map(|layer| layer.width))
        .map(Literal::usize_unsuffixed)
        .collect();
    let width_count = Literal::usize_unsuffixed(count + 1);
    let output_activation = network.layers[count - 1].activation;

    let field = |i: usize| format_ident!("layer{}", i + 1);
    let weighted_input = |i: usize| format_ident!("weighted_input{}", i + 1);
    let activation_field = |i: usize| format_ident!("activation{}", i + 1);
    let delta = |i: usize| format_ident!("delta{}", i + 1);
    let width = |i: usize| Literal::usize_unsuffixed(network.layers[i].width);

    // The struct's fields and how each is initialized.
    let mut fields = Vec::new();
    let mut initialized = Vec::new();
    let mut zeros = Vec::new();
    for (i, layer) in network.layers.iter().enumerate() {
        let (f, fan_in, fan_out) = (
            field(i),
            Literal::usize_unsuffixed(network.fan_in(i)),
            width(i),
        );
        let doc = format!(
            " Layer {}: {} → {}, then {}.",
            i + 1,
            network.fan_in(i),
            layer.width,
            layer.activation.spelling()
        );
        let init = initializer(layer.activation);
        fields.push(quote! { #[doc = #doc] pub #f: ::nabla::dense::Dense<T, #fan_in, #fan_out> });
        initialized.push(quote! { #f: ::nabla::dense::Dense::new(#init, rng) });
        zeros.push(quote! { #f: ::nabla::dense::Dense::zeros() });
    }

    // The trace: z, a and δ of every hidden layer, and the logits.
    let mut trace_fields = Vec::new();
    let mut trace_defaults = Vec::new();
    for (i, layer) in network.layers.iter().enumerate().take(count - 1) {
        let (z, a, d, w) = (weighted_input(i), activation_field(i), delta(i), width(i));
        let spelling = layer.activation.spelling();
        let (n, previous) = (
            superscript(i + 1),
            if i == 0 {
                "x".to_string()
            } else {
                format!("a{}", superscript(i))
            },
        );
        let (z_doc, a_doc, d_doc) = (
            format!(
                " z{n} = W{n}{previous} + b{n}, the weighted input of layer {}.",
                i + 1
            ),
            format!(
                " a{n} = {spelling}(z{n}), the activation of layer {}.",
                i + 1
            ),
            format!(" δ{n} = ∂C/∂z{n}, the error of layer {}.", i + 1),
        );
        trace_fields.push(quote! {
            #[doc = #z_doc] pub #z: ::nabla::Batch<T, #w>,
            #[doc = #a_doc] pub #a: ::nabla::Batch<T, #w>,
            #[doc = #d_doc] pub #d: ::nabla::Batch<T, #w>,
        });
        trace_defaults.push(quote! {
            #z: ::nabla::Batch::zeros(0), #a: ::nabla::Batch::zeros(0), #d: ::nabla::Batch::zeros(0),
        });
    }

    // Forward: z = W a + b, then the activation, layer by layer; the last stops at the logits.
    let mut forward = Vec::new();
    for (i, layer) in network.layers.iter().enumerate() {
        let f = field(i);
        let source = if i == 0 {
            quote!(input)
        } else {
            let a = activation_field(i - 1);
            quote!(&trace.#a)
        };
        if i == count - 1 {
            forward.push(quote! { self.#f.forward_into(#source, &mut trace.logits); });
        } else {
            let (z, a, act) = (
                weighted_input(i),
                activation_field(i),
                activation_value(layer.activation),
            );
            forward.push(quote! {
                self.#f.forward_into(#source, &mut trace.#z);
                ::nabla::activation::apply(&#act, &trace.#z, &mut trace.#a);
            });
        }
    }

    // Backward: from the last layer to the first. Each layer turns its δ into ∂C/∂W, ∂C/∂b and
    // (except the first) Wᵀδ, which the previous activation's derivative turns into that layer's δ.
    let mut backward = Vec::new();
    for i in (0..count).rev() {
        let f = field(i);
        let source = if i == 0 {
            quote!(input)
        } else {
            let a = activation_field(i - 1);
            quote!(&trace.#a)
        };
        let error = if i == count - 1 {
            quote!(logits_gradient)
        } else {
            let d = delta(i);
            quote!(&trace.#d)
        };
        if i == 0 {
            backward.push(quote! { self.#f.backward(#source, #error, &mut gradients.#f, None); });
        } else {
            let previous = &network.layers[i - 1];
            let (z, a, d) = (weighted_input(i - 1), activation_field(i - 1), delta(i - 1));
            let act = activation_value(previous.activation);
            backward.push(quote! {
                self.#f.backward(#source, #error, &mut gradients.#f, Some(&mut trace.#d));
                ::nabla::activation::apply_derivative(&#act, &trace.#z, &trace.#a, &mut trace.#d);
            });
        }
    }

    let output_activation_body = match output_activation {
        Activation::Identity => quote! { let _ = logits; },
        other => {
            let act = activation_value(other);
            quote! {
                let scores = logits.clone();
                ::nabla::activation::apply(&#act, &scores, logits);
            }
        }
    };
    let (loss_type, loss_value) = implied_loss(output_activation);

    let struct_doc = format!(" The network `{architecture}`, declared with `nabla::network!`.");
    let trace_doc = format!(
        " The intermediate values of one forward pass through [`{name}`], reused between batches."
    );
    let architecture_doc = " The architecture, as written in `network!`.";

    quote! {
        #(#attributes)*
        #[doc = #struct_doc]
        #[derive(Clone, Debug, PartialEq, ::nabla::Parameters)]
        #[parameters(architecture = Self::ARCHITECTURE)]
        #visibility struct #name<T: ::nabla::Scalar = f32> {
            #(#fields,)*
        }

        #[doc = #trace_doc]
        #[derive(Clone, Debug)]
        #visibility struct #trace<T: ::nabla::Scalar = f32> {
            #(#trace_fields)*
            /// The logits: the weighted input of the output layer.
            pub logits: ::nabla::Batch<T, #output>,
        }

        impl<T: ::nabla::Scalar> ::core::default::Default for #trace<T> {
            fn default() -> Self {
                Self { #(#trace_defaults)* logits: ::nabla::Batch::zeros(0) }
            }
        }

        impl<T: ::nabla::Scalar> #name<T> {
            #[doc = #architecture_doc]
            pub const ARCHITECTURE: &'static str = #architecture;
            /// Features per input sample.
            pub const INPUT: usize = #input;
            /// Outputs per sample.
            pub const OUTPUT: usize = #output;
            /// The width of every layer, input first: `Wˡ` is `WIDTHS[l]` × `WIDTHS[l - 1]`.
            pub const WIDTHS: [usize; #width_count] = [#(#widths),*];

            /// Draws the weights (He for the ReLU family, Xavier otherwise); biases start at 0.
            pub fn new(rng: &mut impl ::nabla::rand::Rng) -> Self {
                Self { #(#initialized,)* }
            }

            /// Every weight and bias zero.
            pub fn zeros() -> Self {
                Self { #(#zeros,)* }
            }

            /// The loss that suits the output activation; any other `Loss` can be used instead.
            pub fn loss(&self) -> #loss_type {
                #loss_value
            }

            /// The network's output for a batch (one sample per column).
            pub fn forward(&self, input: &::nabla::Batch<T, #input>) -> ::nabla::Batch<T, #output> {
                ::nabla::network::Network::predict(self, input)
            }

            /// The network's output for one sample.
            pub fn forward_one(
                &self,
                input: &::nabla::nalgebra::SVector<T, #input>,
            ) -> ::nabla::nalgebra::SVector<T, #output> {
                let batch = ::nabla::Batch::<T, #input>::from_column_slice(input.as_slice());
                ::nabla::nalgebra::SVector::from_column_slice(self.forward(&batch).as_slice())
            }

            /// The fraction of `data` classified correctly.
            pub fn accuracy(&self, data: &::nabla::data::Dataset<T, #input, #output>) -> f64 {
                ::nabla::train::accuracy(self, data)
            }
        }

        impl<T: ::nabla::Scalar> ::nabla::network::Network<T, #input, #output> for #name<T> {
            type Trace = #trace<T>;

            fn forward_trace<'t>(
                &self,
                input: &::nabla::Batch<T, #input>,
                _pass: ::nabla::layer::Pass,
                trace: &'t mut Self::Trace,
            ) -> &'t ::nabla::Batch<T, #output> {
                #(#forward)*
                &trace.logits
            }

            fn backward(
                &self,
                input: &::nabla::Batch<T, #input>,
                trace: &mut Self::Trace,
                logits_gradient: &::nabla::Batch<T, #output>,
                gradients: &mut Self,
            ) {
                #(#backward)*
            }

            fn output_activation(&self, logits: &mut ::nabla::Batch<T, #output>) {
                #output_activation_body
            }
        }
    }
}

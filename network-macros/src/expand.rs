//! Writes the code for a checked [`Network`]: a struct with one typed field per step, a trace
//! struct holding each step's intermediate values, `#[derive(nabla::Parameters)]` (so the
//! tensors are listed from the fields, as for any model made of parts), and an impl of `nabla`'s
//! `Network` trait whose forward and backward passes are written out step by step. Every path is
//! absolute (`::nabla::...`), so the code works in any crate that depends on `nabla`.
//!
//! The fields, numbered per kind from 1 in the order written: `layerN: Dense` (a dense layer,
//! its activation fused: the trace keeps `weighted_inputN`, `activationN` and `deltaN` for
//! hidden layers, `logits` for the last), `normN: BatchNorm`, `dropoutN: Dropout` and
//! `actN: Activate<…>` (a standalone activation). Each of the last three has a trace field of
//! the same name (its `Layer::Cache`, holding its output) and `…_gradient`, ∂C/∂ its output.
//! A network of dense layers only expands exactly as it did before the other kinds existed.

use crate::valid::{Activation, Declaration, Network, StepKind};
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

/// Where a step's output lives in the trace, and where ∂C/∂ that output goes.
struct Value {
    output: TokenStream,
    gradient: TokenStream,
    /// How the book writes it, for doc comments.
    spelling: String,
}

fn declare(network: &Network, declaration: &Declaration) -> TokenStream {
    let Declaration {
        attributes,
        visibility,
        name,
    } = declaration;
    let trace = trace_name(name);
    let architecture = network.architecture();
    let layers = network.layers();
    let steps = &network.steps;
    let count = layers.len();
    let last = steps.len() - 1;
    let input = Literal::usize_unsuffixed(network.input);
    let output = Literal::usize_unsuffixed(layers[count - 1].width);
    let widths: Vec<_> = std::iter::once(network.input)
        .chain(layers.iter().map(|layer| layer.width))
        .map(Literal::usize_unsuffixed)
        .collect();
    let width_count = Literal::usize_unsuffixed(count + 1);
    let output_activation = layers[count - 1].activation;
    let only_dense = network.only_dense();

    let weighted_input = |i: usize| format_ident!("weighted_input{}", i + 1);
    let activation_field = |i: usize| format_ident!("activation{}", i + 1);
    let delta = |i: usize| format_ident!("delta{}", i + 1);

    // Each step's field name, numbered per kind from 1.
    let (mut dense_count, mut norm_count, mut dropout_count, mut act_count) = (0usize, 0, 0, 0);
    let mut names = Vec::new();
    let mut kind_index = Vec::new();
    for step in steps {
        let (counter, prefix) = match step.kind {
            StepKind::Dense(_) => (&mut dense_count, "layer"),
            StepKind::BatchNorm => (&mut norm_count, "norm"),
            StepKind::Dropout { .. } => (&mut dropout_count, "dropout"),
            StepKind::Activate(_) => (&mut act_count, "act"),
        };
        // The step's index among the steps of its kind, from 0 (`layer2` has index 1).
        kind_index.push(*counter);
        *counter += 1;
        let number = *counter;
        names.push(format_ident!("{prefix}{number}"));
    }
    // Where each step's output is, and the buffer for ∂C/∂ that output.
    let values: Vec<Value> = steps
        .iter()
        .enumerate()
        .map(|(s, step)| {
            let f = &names[s];
            match step.kind {
                StepKind::Dense(_) if s == last => Value {
                    output: quote!(trace.logits),
                    gradient: quote!(logits_gradient),
                    spelling: "the logits".into(),
                },
                StepKind::Dense(_) => {
                    let (a, d) = (activation_field(kind_index[s]), delta(kind_index[s]));
                    Value {
                        output: quote!(trace.#a),
                        gradient: quote!(trace.#d),
                        spelling: format!("a{}", superscript(kind_index[s] + 1)),
                    }
                }
                _ => {
                    let gradient = format_ident!("{f}_gradient");
                    Value {
                        output: quote!(trace.#f.output),
                        gradient: quote!(trace.#gradient),
                        spelling: format!("(the output of `{f}`)"),
                    }
                }
            }
        })
        .collect();
    let source = |s: usize| {
        if s == 0 {
            quote!(input)
        } else {
            let output = &values[s - 1].output;
            quote!(&#output)
        }
    };
    let input_gradient = |s: usize| {
        if s == 0 {
            quote!(None)
        } else {
            let gradient = &values[s - 1].gradient;
            quote!(Some(&mut #gradient))
        }
    };

    // The struct's fields and how each is initialized: the dense layers first, in order, so
    // that their weights are the same draws with or without the other kinds; then the rest
    // (dropout seeds are drawn after every weight).
    let mut fields = Vec::new();
    let mut initialized = Vec::new();
    let mut initialized_after = Vec::new();
    let mut zeros = Vec::new();
    for (s, step) in steps.iter().enumerate() {
        let f = &names[s];
        let width = Literal::usize_unsuffixed(step.width);
        match step.kind {
            StepKind::Dense(activation) => {
                let fan_in = Literal::usize_unsuffixed(network.fan_in(s));
                let doc = format!(
                    " Layer {}: {} → {}, then {}.",
                    kind_index[s] + 1,
                    network.fan_in(s),
                    step.width,
                    activation.spelling()
                );
                let init = initializer(activation);
                fields.push(
                    quote! { #[doc = #doc] pub #f: ::nabla::dense::Dense<T, #fan_in, #width> },
                );
                initialized.push(quote! { #f: ::nabla::dense::Dense::new(#init, rng) });
                zeros.push(quote! { #f: ::nabla::dense::Dense::zeros() });
            }
            StepKind::BatchNorm => {
                let doc = format!(
                    " Batch normalization of the {} features before it (γ, β; running averages as buffers).",
                    step.width
                );
                fields.push(
                    quote! { #[doc = #doc] pub #f: ::nabla::batchnorm::BatchNorm<T, #width> },
                );
                initialized_after.push(quote! { #f: ::nabla::batchnorm::BatchNorm::new() });
                zeros.push(quote! { #f: ::nabla::batchnorm::BatchNorm::new() });
            }
            StepKind::Dropout { probability } => {
                let doc = format!(
                    " Dropout: in training, each of the {} values is dropped with probability {probability}.",
                    step.width
                );
                let p = Literal::f64_unsuffixed(probability);
                fields.push(quote! { #[doc = #doc] pub #f: ::nabla::dropout::Dropout });
                initialized_after.push(quote! {
                    #f: ::nabla::dropout::Dropout::new(#p, ::nabla::rand::Rng::random::<u64>(rng))
                });
                zeros.push(quote! { #f: ::nabla::dropout::Dropout::new(#p, 0) });
            }
            StepKind::Activate(activation) => {
                let doc = format!(
                    " {} on its own, over {} features.",
                    activation.spelling(),
                    step.width
                );
                let (ty, value) = (activation_type(activation), activation_value(activation));
                fields.push(quote! { #[doc = #doc] pub #f: ::nabla::layer::Activate<#ty> });
                initialized_after.push(quote! { #f: ::nabla::layer::Activate(#value) });
                zeros.push(quote! { #f: ::nabla::layer::Activate(#value) });
            }
        }
    }
    initialized.extend(initialized_after);

    // The trace: z, a and δ of every hidden dense layer, the cache and output gradient of every
    // other step, and the logits.
    let mut trace_fields = Vec::new();
    let mut trace_defaults = Vec::new();
    for (s, step) in steps.iter().enumerate().take(last) {
        let w = Literal::usize_unsuffixed(step.width);
        let f = &names[s];
        let cache = match step.kind {
            StepKind::Dense(activation) => {
                let i = kind_index[s];
                let (z, a, d) = (weighted_input(i), activation_field(i), delta(i));
                let spelling = activation.spelling();
                let n = superscript(i + 1);
                let previous = if s == 0 {
                    "x".to_string()
                } else {
                    values[s - 1].spelling.clone()
                };
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
                continue;
            }
            StepKind::BatchNorm => quote!(::nabla::batchnorm::BatchNormCache<T, #w>),
            StepKind::Dropout { .. } => quote!(::nabla::dropout::DropoutCache<T, #w>),
            StepKind::Activate(_) => quote!(::nabla::layer::ActivateCache<T, #w>),
        };
        let gradient = format_ident!("{f}_gradient");
        let (cache_doc, gradient_doc) = (
            format!(" What `{f}` keeps from the forward pass, its output included."),
            format!(" ∂C/∂ the output of `{f}`."),
        );
        trace_fields.push(quote! {
            #[doc = #cache_doc] pub #f: #cache,
            #[doc = #gradient_doc] pub #gradient: ::nabla::Batch<T, #w>,
        });
        trace_defaults.push(quote! {
            #f: ::core::default::Default::default(), #gradient: ::nabla::Batch::zeros(0),
        });
    }

    // Forward: z = W a + b, then the activation, layer by layer, and every other step through
    // `nabla::layer::Layer` in the pass's mode; the last layer stops at the logits.
    let mut forward = Vec::new();
    for (s, step) in steps.iter().enumerate() {
        let (f, source) = (&names[s], source(s));
        match step.kind {
            StepKind::Dense(_) if s == last => {
                forward.push(quote! { self.#f.forward_into(#source, &mut trace.logits); });
            }
            StepKind::Dense(activation) => {
                let i = kind_index[s];
                let (z, a, act) = (
                    weighted_input(i),
                    activation_field(i),
                    activation_value(activation),
                );
                forward.push(quote! {
                    self.#f.forward_into(#source, &mut trace.#z);
                    ::nabla::activation::apply(&#act, &trace.#z, &mut trace.#a);
                });
            }
            _ => forward.push(quote! {
                ::nabla::layer::Layer::forward(&self.#f, #source, pass, &mut trace.#f);
            }),
        }
    }

    // Backward: from the last step to the first. Each turns ∂C/∂ its output into ∂C/∂ its
    // parameters and (except the first) ∂C/∂ its input, the previous step's output; a hidden
    // dense layer first turns ∂C/∂a into its δ with its activation's derivative.
    let mut backward = Vec::new();
    for s in (0..steps.len()).rev() {
        let (f, source, target) = (&names[s], source(s), input_gradient(s));
        let error = &values[s].gradient;
        match steps[s].kind {
            StepKind::Dense(activation) => {
                if s != last {
                    let i = kind_index[s];
                    let (z, a, d) = (weighted_input(i), activation_field(i), delta(i));
                    let act = activation_value(activation);
                    backward.push(quote! {
                        ::nabla::activation::apply_derivative(&#act, &trace.#z, &trace.#a, &mut trace.#d);
                    });
                }
                let error = if s == last {
                    quote!(#error)
                } else {
                    quote!(&#error)
                };
                backward.push(
                    quote! { self.#f.backward(#source, #error, &mut gradients.#f, #target); },
                );
            }
            _ => backward.push(quote! {
                ::nabla::layer::Layer::backward(&self.#f, #source, &trace.#f, &#error, &mut gradients.#f, #target);
            }),
        }
    }

    // After the optimizer step: each batch norm moves its running averages.
    let norms: Vec<_> = steps
        .iter()
        .zip(&names)
        .filter(|(step, _)| step.kind == StepKind::BatchNorm)
        .map(|(_, f)| f)
        .collect();
    let update_buffers = if norms.is_empty() {
        quote!()
    } else {
        quote! {
            fn update_buffers(&mut self, trace: &Self::Trace) {
                #(::nabla::layer::Layer::update_buffers(&mut self.#norms, &trace.#norms);)*
            }
        }
    };
    let pass = if only_dense {
        format_ident!("_pass")
    } else {
        format_ident!("pass")
    };
    let (new_doc, zeros_doc) = if only_dense {
        (
            " Draws the weights (He for the ReLU family, Xavier otherwise); biases start at 0.",
            " Every weight and bias zero.",
        )
    } else {
        (
            " Draws the weights (He for the ReLU family, Xavier otherwise); biases start at 0, \
             batch norm at γ = 1, β = 0; each dropout's seed is drawn after all the weights.",
            " Every weight and bias zero (batch norm as in `new`, dropout seeds 0).",
        )
    };

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

            #[doc = #new_doc]
            pub fn new(rng: &mut impl ::nabla::rand::Rng) -> Self {
                Self { #(#initialized,)* }
            }

            #[doc = #zeros_doc]
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
                #pass: ::nabla::layer::Pass,
                trace: &'t mut Self::Trace,
            ) -> &'t ::nabla::Batch<T, #output> {
                #(#forward)*
                &trace.logits
            }

            #update_buffers

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

//! One function per part of a declared network's expansion: the struct, the inherent impl and
//! the `Network` impl, each from the shared [`Layout`] (the trace struct is in
//! [`super::trace`]).

use super::image;
use super::layout::Layout;
use super::{activation_type, activation_value, implied_loss, initializer};
use crate::valid::{Activation, Declaration, StepKind};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;

/// The network struct: one documented, typed field per step, and `#[derive(nabla::Parameters)]`.
pub fn network_struct(layout: &Layout, declaration: &Declaration) -> TokenStream {
    let Declaration {
        attributes,
        visibility,
        name,
    } = declaration;
    let architecture = layout.network.architecture();
    let struct_doc = format!(" The network `{architecture}`, declared with `nabla::network!`.");
    let fields = layout.steps().map(|(s, step, f)| {
        let width = Literal::usize_unsuffixed(step.width);
        if let Some((doc, ty)) = image::field(layout, s) {
            return quote! { #[doc = #doc] pub #f: #ty };
        }
        match step.kind {
            StepKind::Dense(activation) => {
                let fan_in = layout.network.fan_in(s);
                let flattened = match layout.network.image_in(s) {
                    Some(image) => format!(" (the {image} image before it, flattened)"),
                    None => String::new(),
                };
                let doc = format!(
                    " Layer {}: {}{flattened} → {}, then {}.",
                    layout.kind_index[s] + 1,
                    fan_in,
                    step.width,
                    activation.spelling()
                );
                let fan_in = Literal::usize_unsuffixed(fan_in);
                quote! { #[doc = #doc] pub #f: ::nabla::dense::Dense<T, #fan_in, #width> }
            }
            StepKind::BatchNorm => {
                let doc = format!(
                    " Batch normalization of the {} features before it (γ, β; running averages as buffers).",
                    step.width
                );
                quote! { #[doc = #doc] pub #f: ::nabla::batchnorm::BatchNorm<T, #width> }
            }
            StepKind::Dropout { probability } => {
                let values = step.image.map_or(step.width.to_string(), |image| image.to_string());
                let doc = format!(
                    " Dropout: in training, each of the {values} values is dropped with probability {probability}.",
                );
                quote! { #[doc = #doc] pub #f: ::nabla::dropout::Dropout }
            }
            StepKind::Activate(activation) => {
                let doc = if step.attached {
                    format!(
                        " {}, applied to the output of `{}` ({}).",
                        activation.spelling(),
                        layout.names[s - 1],
                        image::values_before(layout, s)
                    )
                } else {
                    format!(
                        " {} on its own, over {}.",
                        activation.spelling(),
                        image::values_before(layout, s)
                    )
                };
                let ty = activation_type(activation);
                quote! { #[doc = #doc] pub #f: ::nabla::layer::Activate<#ty> }
            }
            StepKind::Conv { .. } | StepKind::MaxPool => unreachable!("image::field wrote it"),
        }
    });
    quote! {
        #(#attributes)*
        #[doc = #struct_doc]
        #[derive(Clone, Debug, PartialEq, ::nabla::Parameters)]
        #[parameters(architecture = Self::ARCHITECTURE)]
        #visibility struct #name<T: ::nabla::Scalar = f32> {
            #(#fields,)*
        }
    }
}

/// `new` and `zeros`. `new` initializes the dense layers first, in order, so that their weights
/// are the same draws with or without the other kinds; then the rest (dropout seeds are drawn
/// after every weight).
fn constructors(layout: &Layout) -> TokenStream {
    let mut initialized = Vec::new();
    let mut initialized_after = Vec::new();
    let mut zeros = Vec::new();
    for (s, step, f) in layout.steps() {
        if let Some((new, zero)) = image::constructors(layout, s) {
            // A convolution's weights are drawn in order with the dense layers' weights.
            match step.kind {
                StepKind::Conv { .. } => initialized.push(quote! { #f: #new }),
                _ => initialized_after.push(quote! { #f: #new }),
            }
            zeros.push(quote! { #f: #zero });
            continue;
        }
        match step.kind {
            StepKind::Dense(activation) => {
                let init = initializer(activation);
                initialized.push(quote! { #f: ::nabla::dense::Dense::new(#init, rng) });
                zeros.push(quote! { #f: ::nabla::dense::Dense::zeros() });
            }
            StepKind::BatchNorm => {
                initialized_after.push(quote! { #f: ::nabla::batchnorm::BatchNorm::new() });
                zeros.push(quote! { #f: ::nabla::batchnorm::BatchNorm::new() });
            }
            StepKind::Dropout { probability } => {
                let p = Literal::f64_unsuffixed(probability);
                initialized_after.push(quote! {
                    #f: ::nabla::dropout::Dropout::new(#p, ::nabla::rand::Rng::random::<u64>(rng))
                });
                zeros.push(quote! { #f: ::nabla::dropout::Dropout::new(#p, 0) });
            }
            StepKind::Activate(activation) => {
                let value = activation_value(activation);
                initialized_after.push(quote! { #f: ::nabla::layer::Activate(#value) });
                zeros.push(quote! { #f: ::nabla::layer::Activate(#value) });
            }
            StepKind::Conv { .. } | StepKind::MaxPool => unreachable!("image::constructors"),
        }
    }
    initialized.extend(initialized_after);
    let (new_doc, zeros_doc) = if layout.network.has_conv() {
        (
            " Draws the weights in order (He for the ReLU family, Xavier otherwise; a convolution \
             by the activation applied to its output); biases start at 0, batch norm at γ = 1, \
             β = 0; each dropout's seed is drawn after all the weights.",
            " Every weight and bias zero (batch norm as in `new`, dropout seeds 0).",
        )
    } else if layout.only_dense {
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
    quote! {
        #[doc = #new_doc]
        pub fn new(rng: &mut impl ::nabla::rand::Rng) -> Self {
            Self { #(#initialized,)* }
        }

        #[doc = #zeros_doc]
        pub fn zeros() -> Self {
            Self { #(#zeros,)* }
        }
    }
}

/// The inherent impl: the constants `ARCHITECTURE`, `INPUT`, `OUTPUT` and `WIDTHS`, the
/// constructors, and `loss`, `forward`, `forward_one` and `accuracy`.
pub fn inherent_methods(layout: &Layout, name: &Ident) -> TokenStream {
    let (input, output) = (&layout.input, &layout.output);
    let network = layout.network;
    let architecture = network.architecture();
    let layers = network.layers();
    // What the first dense layer reads: the input, or the flattened image before it.
    let first_dense = network
        .steps
        .iter()
        .position(|step| matches!(step.kind, StepKind::Dense(_)))
        .expect("the last step is a dense layer");
    let widths = std::iter::once(network.fan_in(first_dense))
        .chain(layers.iter().map(|layer| layer.width))
        .map(Literal::usize_unsuffixed);
    let width_count = Literal::usize_unsuffixed(layers.len() + 1);
    let (widths_doc, input_shape) = match network.input_image {
        None => (
            " The width of every layer, input first: `W^ℓ` is `WIDTHS[ℓ]` × `WIDTHS[ℓ − 1]`.",
            quote!(),
        ),
        Some(image) => {
            let [c, h, w] =
                [image.channels, image.height, image.width].map(Literal::usize_unsuffixed);
            (
                " The width of every dense layer, the flattened image they read first: `W^ℓ` \
                 of dense layer ℓ is `WIDTHS[ℓ]` × `WIDTHS[ℓ − 1]`.",
                quote! {
                    /// The input image's shape: channels, height, width.
                    pub const INPUT_SHAPE: [usize; 3] = [#c, #h, #w];
                },
            )
        }
    };
    let architecture_doc = " The architecture, as written in `network!`.";
    let constructors = constructors(layout);
    let (loss_type, loss_value) = implied_loss(layout.output_activation);
    quote! {
        impl<T: ::nabla::Scalar> #name<T> {
            #[doc = #architecture_doc]
            pub const ARCHITECTURE: &'static str = #architecture;
            /// Features per input sample.
            pub const INPUT: usize = #input;
            #input_shape
            /// Outputs per sample.
            pub const OUTPUT: usize = #output;
            #[doc = #widths_doc]
            pub const WIDTHS: [usize; #width_count] = [#(#widths),*];

            #constructors

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
    }
}

/// The body of `forward_trace`: z = W a + b, then the activation, layer by layer, and every other
/// step through `nabla::layer::Layer` in the pass's mode; the last layer stops at the logits.
fn forward_pass(layout: &Layout) -> TokenStream {
    let statements = layout.steps().map(|(s, step, f)| {
        let source = layout.source(s);
        match step.kind {
            StepKind::Dense(_) if s == layout.last => {
                quote! { self.#f.forward_into(#source, &mut trace.logits); }
            }
            StepKind::Dense(activation) => {
                let (z, a, _) = layout.dense_trace(s);
                let act = activation_value(activation);
                quote! {
                    self.#f.forward_into(#source, &mut trace.#z);
                    ::nabla::activation::apply(&#act, &trace.#z, &mut trace.#a);
                }
            }
            _ => quote! {
                ::nabla::layer::Layer::forward(&self.#f, #source, pass, &mut trace.#f);
            },
        }
    });
    quote!(#(#statements)*)
}

/// The body of `backward`, from the last step to the first. Each turns ∂L/∂ its output into
/// ∂L/∂ its parameters and (except the first) ∂L/∂ its input, the previous step's output; a
/// hidden dense layer first turns ∂L/∂a into its δ with its activation's derivative.
fn backward_pass(layout: &Layout) -> TokenStream {
    let statements = layout.steps().rev().map(|(s, step, f)| {
        let (source, target) = (layout.source(s), layout.input_gradient(s));
        let error = &layout.values[s].gradient;
        match step.kind {
            StepKind::Dense(_) if s == layout.last => {
                quote! { self.#f.backward(#source, #error, &mut gradients.#f, #target); }
            }
            StepKind::Dense(activation) => {
                let (z, a, d) = layout.dense_trace(s);
                let act = activation_value(activation);
                quote! {
                    ::nabla::activation::apply_derivative(&#act, &trace.#z, &trace.#a, &mut trace.#d);
                    self.#f.backward(#source, &#error, &mut gradients.#f, #target);
                }
            }
            _ => quote! {
                ::nabla::layer::Layer::backward(&self.#f, #source, &trace.#f, &#error, &mut gradients.#f, #target);
            },
        }
    });
    quote!(#(#statements)*)
}

/// `update_buffers`, run after the optimizer step: each batch norm moves its running averages.
/// Nothing (the trait's default) when there is no batch norm.
fn buffer_updates(layout: &Layout) -> TokenStream {
    let norms: Vec<_> = layout
        .steps()
        .filter(|(_, step, _)| step.kind == StepKind::BatchNorm)
        .map(|(_, _, f)| f)
        .collect();
    if norms.is_empty() {
        return quote!();
    }
    quote! {
        fn update_buffers(&mut self, trace: &Self::Trace) {
            #(::nabla::layer::Layer::update_buffers(&mut self.#norms, &trace.#norms);)*
        }
    }
}

/// The body of `output_activation`: the output layer's activation applied to the logits.
fn output_activation(layout: &Layout) -> TokenStream {
    match layout.output_activation {
        Activation::Identity => quote! { let _ = logits; },
        other => {
            let act = activation_value(other);
            quote! {
                let scores = logits.clone();
                ::nabla::activation::apply(&#act, &scores, logits);
            }
        }
    }
}

/// The impl of `nabla::network::Network`: `forward_trace`, `update_buffers` (with batch norm),
/// `backward` and `output_activation`.
pub fn network_impl(layout: &Layout, name: &Ident, trace: &Ident) -> TokenStream {
    let (input, output) = (&layout.input, &layout.output);
    // A network of dense layers only never looks at the pass.
    let pass = if layout.only_dense {
        format_ident!("_pass")
    } else {
        format_ident!("pass")
    };
    let forward = forward_pass(layout);
    let update_buffers = buffer_updates(layout);
    let backward = backward_pass(layout);
    let output_activation_body = output_activation(layout);
    quote! {
        impl<T: ::nabla::Scalar> ::nabla::network::Network<T, #input, #output> for #name<T> {
            type Trace = #trace<T>;

            fn forward_trace<'t>(
                &self,
                input: &::nabla::Batch<T, #input>,
                #pass: ::nabla::layer::Pass,
                trace: &'t mut Self::Trace,
            ) -> &'t ::nabla::Batch<T, #output> {
                #forward
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
                #backward
            }

            fn output_activation(&self, logits: &mut ::nabla::Batch<T, #output>) {
                #output_activation_body
            }
        }
    }
}

//! The trace struct of a declared network: what one forward pass keeps for the backward pass
//! (z, a and δ of every hidden dense layer, the cache and output gradient of every other step,
//! and the logits), reused from batch to batch.

use super::image;
use super::layout::Layout;
use super::superscript;
use crate::valid::{Declaration, StepKind};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;

/// The trace struct (z, a and δ of every hidden dense layer, the cache and output gradient of
/// every other step, and the logits) and its `Default`, empty batches throughout.
pub fn trace(layout: &Layout, declaration: &Declaration, trace: &Ident) -> TokenStream {
    let Declaration {
        visibility, name, ..
    } = declaration;
    let output = &layout.output;
    let (trace_fields, trace_defaults): (Vec<_>, Vec<_>) = layout
        .steps()
        .take(layout.last)
        .map(|(s, _, _)| trace_fields(layout, s))
        .unzip();
    let trace_doc = format!(
        " The intermediate values of one forward pass through [`{name}`], reused between batches."
    );
    quote! {
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
    }
}

/// The trace fields of step `s` (not the last) and their defaults.
fn trace_fields(layout: &Layout, s: usize) -> (TokenStream, TokenStream) {
    let step = &layout.network.steps[s];
    let (w, f) = (Literal::usize_unsuffixed(step.width), &layout.names[s]);
    let cache = match step.kind {
        StepKind::Dense(activation) => {
            let (z, a, d) = layout.dense_trace(s);
            let (spelling, layer) = (activation.spelling(), layout.kind_index[s] + 1);
            let n = superscript(layer);
            let previous = match s {
                0 => "x".to_string(),
                _ => layout.values[s - 1].spelling.clone(),
            };
            let z_doc =
                format!(" z{n} = W{n}{previous} + b{n}, the weighted input of layer {layer}.");
            let a_doc = format!(" a{n} = {spelling}(z{n}), the activation of layer {layer}.");
            let d_doc = format!(" δ{n} = ∂L/∂z{n}, the error of layer {layer}.");
            let fields = quote! {
                #[doc = #z_doc] pub #z: ::nabla::Batch<T, #w>,
                #[doc = #a_doc] pub #a: ::nabla::Batch<T, #w>,
                #[doc = #d_doc] pub #d: ::nabla::Batch<T, #w>,
            };
            let defaults = quote! {
                #z: ::nabla::Batch::zeros(0), #a: ::nabla::Batch::zeros(0), #d: ::nabla::Batch::zeros(0),
            };
            return (fields, defaults);
        }
        StepKind::BatchNorm => quote!(::nabla::batchnorm::BatchNormCache<T, #w>),
        StepKind::Dropout { .. } => quote!(::nabla::dropout::DropoutCache<T, #w>),
        StepKind::Activate(_) => quote!(::nabla::layer::ActivateCache<T, #w>),
        StepKind::Conv { .. } | StepKind::MaxPool => {
            image::cache(layout, s).expect("an image step has an image cache")
        }
    };
    let gradient = format_ident!("{f}_gradient");
    let cache_doc = format!(" What `{f}` keeps from the forward pass, its output included.");
    let gradient_doc = format!(" ∂L/∂ the output of `{f}`.");
    let fields = quote! {
        #[doc = #cache_doc] pub #f: #cache,
        #[doc = #gradient_doc] pub #gradient: ::nabla::Batch<T, #w>,
    };
    let defaults = quote! {
        #f: ::core::default::Default::default(), #gradient: ::nabla::Batch::zeros(0),
    };
    (fields, defaults)
}

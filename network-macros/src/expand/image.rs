//! The code of the image steps, for [`super::parts`]: the field types of a convolution
//! (`Conv2d<T, IN, OUT, C_IN, H, W, C_OUT, K, P>`) and a max-pooling (`MaxPool2d<IN, OUT, C, H,
//! W>`), every number written out from the shapes validation computed; their caches; their
//! constructors; and the doc comments that state the shapes.

use super::initializer;
use super::layout::Layout;
use crate::valid::{Image, StepKind};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

fn number(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}

/// The shapes around step `s`, an image step: its input and its output.
fn shapes(layout: &Layout, s: usize) -> (Image, Image) {
    let network = layout.network;
    let input = network.image_in(s);
    let output = network.steps[s].image;
    input
        .zip(output)
        .expect("validation gives an image step images")
}

/// The doc comment and type of the field of step `s`, if it is an image step.
pub fn field(layout: &Layout, s: usize) -> Option<(String, TokenStream)> {
    let step = &layout.network.steps[s];
    let (input, output) = match step.kind {
        StepKind::Conv { .. } | StepKind::MaxPool => shapes(layout, s),
        _ => return None,
    };
    let (flat_in, flat_out) = (number(input.size()), number(output.size()));
    let (c, h, w) = (
        number(input.channels),
        number(input.height),
        number(input.width),
    );
    let n = layout.kind_index[s] + 1;
    Some(match step.kind {
        StepKind::Conv { kernel, padding } => {
            let padded = match padding {
                0 => String::new(),
                p => format!(", {p} zeros of padding around"),
            };
            let doc = format!(
                " Convolution {n}: {input} → {output}, {} kernels {kernel}x{kernel}{padded}.",
                output.channels
            );
            let (c_out, k, p) = (number(output.channels), number(kernel), number(padding));
            let ty = quote! {
                ::nabla::conv::Conv2d<T, #flat_in, #flat_out, #c, #h, #w, #c_out, #k, #p>
            };
            (doc, ty)
        }
        _ => {
            let doc =
                format!(" Max-pooling {n}: the largest of each 2x2 window, {input} → {output}.");
            let ty = quote!(::nabla::pool::MaxPool2d<#flat_in, #flat_out, #c, #h, #w>);
            (doc, ty)
        }
    })
}

/// The cache type of step `s`, if it is an image step.
pub fn cache(layout: &Layout, s: usize) -> Option<TokenStream> {
    let step = &layout.network.steps[s];
    let w = number(step.width);
    match step.kind {
        StepKind::Conv { .. } => Some(quote!(::nabla::conv::ConvCache<T, #w>)),
        StepKind::MaxPool => Some(quote!(::nabla::pool::PoolCache<T, #w>)),
        _ => None,
    }
}

/// The initialized and the zero value of step `s`, if it is an image step. A convolution draws
/// its weights with the initializer its activation picks ([`Layout::conv_activation`]).
pub fn constructors(layout: &Layout, s: usize) -> Option<(TokenStream, TokenStream)> {
    match layout.network.steps[s].kind {
        StepKind::Conv { .. } => {
            let init = initializer(layout.conv_activation(s));
            Some((
                quote!(::nabla::conv::Conv2d::new(#init, rng)),
                quote!(::nabla::conv::Conv2d::zeros()),
            ))
        }
        StepKind::MaxPool => Some((
            quote!(::nabla::pool::MaxPool2d),
            quote!(::nabla::pool::MaxPool2d),
        )),
        _ => None,
    }
}

/// How the values before step `s` are described in doc comments: `"4608 features"`, or
/// `"8x24x24 values"` while they are an image.
pub fn values_before(layout: &Layout, s: usize) -> String {
    match layout.network.image_in(s) {
        Some(image) => format!("{image} values"),
        None => format!("{} features", layout.network.fan_in(s)),
    }
}

//! The convolution rule of the grammar:
//! `Conv := conv ( Width , Kernel ( , pad = integer )? ) SimpleLayer?`, e.g.
//! `conv(8, 5x5)`, `conv(16, 3x3, pad = 1) relu`.
//!
//! Like the rest of the parser it only checks the form: the kernel `5x5` is kept as the integer
//! literal the lexer makes of it (`5` with the suffix `x5`), and the numbers' meaning (kernel
//! square and fitting its input, channels above zero, padding smaller than the kernel, the
//! trailing layer an activation) is checked in [`crate::valid`].

use super::{SimpleLayer, Width, kw};
use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitFloat, LitInt, Token, token};

/// The only option a convolution takes, as a keyword.
mod option {
    syn::custom_keyword!(pad);
}

/// `conv(8, 5x5, pad = 2) relu`.
pub struct Conv {
    /// Where `conv` was written.
    pub span: Span,
    /// The number of output channels (kernels).
    pub channels: Width,
    /// `5x5`: the literal `5` with the suffix `x5`.
    pub kernel: LitInt,
    /// `pad = 2`, if written.
    pub padding: Option<Padding>,
    /// The layer written after the parentheses without `=>` (an activation, for validation).
    pub activation: Option<SimpleLayer>,
}

/// `pad = 2`: zero padding on every side.
pub struct Padding {
    pub literal: LitInt,
}

const EXAMPLE: &str = "e.g. `conv(8, 5x5)` for 8 output channels and 5x5 kernels";

impl Parse for Conv {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let span = input.parse::<kw::conv>()?.span;
        if !input.peek(token::Paren) {
            let message = format!(
                "a convolution needs its output channels and kernel size in parentheses, {EXAMPLE}"
            );
            return Err(syn::Error::new(span, message));
        }
        let content;
        let parens = syn::parenthesized!(content in input);
        if content.is_empty() {
            let message = format!("expected the output channels and the kernel size, {EXAMPLE}");
            return Err(syn::Error::new(parens.span.join(), message));
        }
        let channels: Width = content.parse()?;
        if content.is_empty() {
            let message = format!(
                "expected the kernel size after the channels: `conv({}, 5x5)`",
                channels.literal
            );
            return Err(syn::Error::new(parens.span.close(), message));
        }
        content.parse::<Token![,]>()?;
        let kernel = kernel(&content)?;
        if super::spaced_x_follows(&content) {
            let message = format!("write the kernel size without spaces: `{kernel}x{kernel}`");
            return Err(content.error(message));
        }
        let mut padding = None;
        if content.peek(Token![,]) {
            content.parse::<Token![,]>()?;
            if !content.is_empty() {
                padding = Some(content.parse()?);
                content.parse::<Option<Token![,]>>()?;
            }
        }
        if !content.is_empty() {
            return Err(content.error(
                "expected `)`: a convolution takes its channels, its kernel size and `pad = N`",
            ));
        }
        let activation = if input.is_empty() || input.peek(Token![=>]) {
            None
        } else {
            Some(input.parse()?)
        };
        Ok(Conv {
            span,
            channels,
            kernel,
            padding,
            activation,
        })
    }
}

/// The kernel size: an integer literal (`5x5`); a plain float or anything else is an error here.
fn kernel(content: ParseStream) -> syn::Result<LitInt> {
    if content.peek(LitInt) {
        return content.parse();
    }
    if content.peek(LitFloat) {
        let literal: LitFloat = content.parse()?;
        return Err(syn::Error::new(
            literal.span(),
            format!("a kernel size counts pixels: write e.g. `5x5`, not `{literal}`"),
        ));
    }
    Err(content.error("expected the kernel size, e.g. `5x5` (a square kernel of 5 by 5 pixels)"))
}

impl Parse for Padding {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if !input.peek(option::pad) {
            if input.peek(Ident) {
                let name: Ident = input.parse()?;
                return Err(syn::Error::new(
                    name.span(),
                    format!(
                        "unknown option `{name}`: a convolution takes `pad = N` (N zeros around the image), e.g. `conv(8, 5x5, pad = 2)`"
                    ),
                ));
            }
            return Err(input.error(
                "expected `pad = N` (N zeros around the image), e.g. `conv(8, 5x5, pad = 2)`",
            ));
        }
        let pad = input.parse::<option::pad>()?;
        if !input.peek(Token![=]) {
            return Err(syn::Error::new(
                pad.span,
                "write the padding as `pad = N`, e.g. `pad = 2`",
            ));
        }
        input.parse::<Token![=]>()?;
        if input.peek(LitInt) {
            return Ok(Padding {
                literal: input.parse()?,
            });
        }
        Err(input.error("the padding is a whole number of pixels, e.g. `pad = 2`"))
    }
}

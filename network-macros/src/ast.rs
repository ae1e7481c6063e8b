//! The grammar of `network!`, one type and one `Parse` impl per rule:
//!
//! ```text
//! Invocation   := NamedNetwork | Architecture
//! NamedNetwork := Attribute* Visibility `struct` Ident `:` Architecture
//! Architecture := Width Step+
//! Step         := `=>` Layer
//! Layer        := ActivationName Argument? Width
//! Argument     := `(` `-`? number `)`
//! Width        := `-`? integer         (a minus sign is parsed so that validation can reject it)
//! ```
//!
//! Parsing only checks the shape of the input; [`crate::valid`] checks the meaning (known
//! activation, softmax last, widths above zero, ...). A future layer kind without a width
//! (`=> dropout(0.5)`) fits the `Layer` rule, since the width is optional here.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, LitFloat, LitInt, Token, Visibility, token};

/// Activation names as keywords, so the parser recognizes them without string comparisons.
pub mod kw {
    syn::custom_keyword!(identity);
    syn::custom_keyword!(linear);
    syn::custom_keyword!(sigmoid);
    syn::custom_keyword!(tanh);
    syn::custom_keyword!(relu);
    syn::custom_keyword!(leaky_relu);
    syn::custom_keyword!(relu6);
    syn::custom_keyword!(softmax);
}

/// A whole macro input.
pub enum Invocation {
    /// `pub struct Mnist: 784 => relu 128 => softmax 10`
    Named(NamedNetwork),
    /// `784 => relu 128 => softmax 10`
    Anonymous(Architecture),
}

/// The declaring form.
pub struct NamedNetwork {
    pub attributes: Vec<Attribute>,
    pub visibility: Visibility,
    pub name: Ident,
    pub architecture: Architecture,
}

/// An input width and the layers after it.
pub struct Architecture {
    pub input: Width,
    pub steps: Vec<Step>,
}

/// `=> relu 128`
pub struct Step {
    pub layer: Layer,
}

/// `relu 128`, `leaky_relu(0.1) 64`, or (an error found later) `relu` with no width.
pub struct Layer {
    pub activation: ActivationName,
    pub argument: Option<Argument>,
    pub width: Option<Width>,
}

/// The activations the grammar knows, plus any other identifier (reported by validation with a
/// suggestion).
#[derive(Clone, Debug, PartialEq)]
pub enum ActivationKind {
    Identity,
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
    Relu6,
    Softmax,
    Unknown(String),
}

/// An activation name and where it was written.
pub struct ActivationName {
    pub kind: ActivationKind,
    pub span: Span,
}

/// A parenthesized number: `(0.01)`.
pub struct Argument {
    pub value: Option<f64>,
    pub text: String,
    pub span: Span,
}

/// A layer width as written. A minus sign is kept, so that validation can say why `-8` is
/// wrong; syn would otherwise read `-8` as one literal whose value does not fit a `usize`.
pub struct Width {
    pub minus: Option<Token![-]>,
    pub literal: LitInt,
}

const EXAMPLE: &str = "784 => relu 128 => softmax 10";

impl Parse for Invocation {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            let message = format!(
                "empty network: write an input width and its layers, e.g. `network!({EXAMPLE})`"
            );
            return Err(syn::Error::new(Span::call_site(), message));
        }
        if input.peek(LitInt) || input.peek(LitFloat) || input.peek(Token![-]) {
            input.parse().map(Invocation::Anonymous)
        } else if input.peek(Token![#]) || input.peek(Token![pub]) || input.peek(Token![struct]) {
            input.parse().map(Invocation::Named)
        } else {
            Err(input.error(format!(
                "expected an input width (`{EXAMPLE}`) or a declaration (`pub struct Mnist: {EXAMPLE}`)"
            )))
        }
    }
}

impl Parse for NamedNetwork {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attributes = Attribute::parse_outer(input)?;
        let visibility = input.parse()?;
        input.parse::<Token![struct]>()?;
        let name = input.parse()?;
        input.parse::<Token![:]>()?;
        let architecture = input.parse()?;
        Ok(NamedNetwork {
            attributes,
            visibility,
            name,
            architecture,
        })
    }
}

impl Parse for Architecture {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let width: Width = input.parse()?;
        let mut steps = Vec::new();
        while !input.is_empty() {
            if !input.peek(Token![=>]) {
                return Err(input.error("expected `=>` before the next layer"));
            }
            steps.push(input.parse()?);
        }
        if steps.is_empty() {
            return Err(syn::Error::new(
                width.literal.span(),
                "a network needs at least one layer after its input width, e.g. `784 => softmax 10`",
            ));
        }
        Ok(Architecture {
            input: width,
            steps,
        })
    }
}

impl Parse for Step {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let arrow: Token![=>] = input.parse()?;
        if input.is_empty() {
            return Err(syn::Error::new_spanned(
                arrow,
                "expected a layer after `=>`, e.g. `=> relu 128`; remove the trailing `=>`",
            ));
        }
        Ok(Step {
            layer: input.parse()?,
        })
    }
}

impl Parse for Layer {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let activation = input.parse()?;
        let argument = if input.peek(token::Paren) {
            Some(input.parse()?)
        } else {
            None
        };
        let width = if input.is_empty() || input.peek(Token![=>]) {
            None
        } else {
            Some(input.parse()?)
        };
        Ok(Layer {
            activation,
            argument,
            width,
        })
    }
}

impl Parse for ActivationName {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        macro_rules! keywords {
            ($($keyword:ident => $kind:expr),* $(,)?) => {
                $(if input.peek(kw::$keyword) {
                    let span = input.parse::<kw::$keyword>()?.span;
                    return Ok(ActivationName { kind: $kind, span });
                })*
            };
        }
        keywords!(
            identity => ActivationKind::Identity,
            linear => ActivationKind::Identity,
            sigmoid => ActivationKind::Sigmoid,
            tanh => ActivationKind::Tanh,
            relu => ActivationKind::Relu,
            leaky_relu => ActivationKind::LeakyRelu,
            relu6 => ActivationKind::Relu6,
            softmax => ActivationKind::Softmax,
        );
        if input.peek(Ident) {
            let name: Ident = input.parse()?;
            return Ok(ActivationName {
                kind: ActivationKind::Unknown(name.to_string()),
                span: name.span(),
            });
        }
        if input.peek(LitInt) {
            return Err(input.error("expected an activation before the width, e.g. `=> relu 128`"));
        }
        Err(input.error("expected an activation such as `relu`, `tanh` or `softmax`"))
    }
}

impl Parse for Argument {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let content;
        let parens = syn::parenthesized!(content in input);
        let span = parens.span.join();
        let negative = content.parse::<Option<Token![-]>>()?.is_some();
        let (text, value) = if content.peek(LitFloat) {
            let literal: LitFloat = content.parse()?;
            (literal.to_string(), literal.base10_parse::<f64>().ok())
        } else if content.peek(LitInt) {
            let literal: LitInt = content.parse()?;
            (literal.to_string(), literal.base10_parse::<f64>().ok())
        } else {
            return Err(syn::Error::new(
                span,
                "expected a number in the parentheses, e.g. `leaky_relu(0.01)`",
            ));
        };
        if !content.is_empty() {
            return Err(content.error("expected `)` after the number"));
        }
        let sign = if negative { "-" } else { "" };
        let value = value.map(|v| if negative { -v } else { v });
        Ok(Argument {
            value,
            text: format!("{sign}{text}"),
            span,
        })
    }
}

impl Parse for Width {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let minus: Option<Token![-]> = input.parse()?;
        if input.peek(LitInt) {
            return Ok(Width {
                minus,
                literal: input.parse()?,
            });
        }
        if input.peek(LitFloat) {
            let literal: LitFloat = input.parse()?;
            return Err(syn::Error::new_spanned(
                quote::quote!(#minus #literal),
                format!(
                    "a width counts units, so it must be a whole number, not `{}{literal}`",
                    if minus.is_some() { "-" } else { "" }
                ),
            ));
        }
        Err(input.error("expected a width (a whole number of units)"))
    }
}

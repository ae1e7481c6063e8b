//! The grammar of `network!`, one type and one `Parse` impl per rule:
//!
//! ```text
//! Invocation   := NamedNetwork | Architecture
//! NamedNetwork := Attribute* Visibility `struct` Ident `:` Architecture
//! Architecture := Input Step+
//! Input        := Width | Shape
//! Shape        := CxHxW, e.g. `1x28x28` (channels, height, width of an image)
//! Step         := `=>` Layer
//! Layer        := Conv | SimpleLayer
//! Conv         := `conv` `(` Width `,` Kernel (`,` `pad` `=` integer)? `)` SimpleLayer?
//! Kernel       := KxK, e.g. `5x5`
//! SimpleLayer  := LayerName Argument? Width?
//! LayerName    := an activation | `batchnorm` | `dropout` | `maxpool`
//! Argument     := `(` `-`? number `)`
//! Width        := `-`? integer         (a minus sign is parsed so that validation can reject it)
//! ```
//!
//! Parsing only checks the shape of the input; [`crate::valid`] checks the meaning (known
//! name, softmax last, widths above zero, which names take an argument or a width, ...): an
//! activation with a width is a dense layer, one without a width a standalone activation;
//! `batchnorm` and `dropout(P)` keep the width before them. Rust's lexer reads `1x28x28` and
//! `5x5` as an integer with a suffix (`1` with `x28x28`), so a [`Shape`] and a kernel are integer
//! literals here, taken apart by validation; the activation written after `conv(…)` (`conv(8,
//! 5x5) relu`) is a [`SimpleLayer`] that validation requires to be an activation without a width.
//! `maxpool(2)` is a [`SimpleLayer`] with an argument.

mod conv;

pub use conv::Conv;
use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, LitFloat, LitInt, Token, Visibility, token};

/// The one table of layer names: each keyword and the [`LayerKind`] it names. The parser's
/// keywords ([`kw`]), the names in messages and suggestions ([`LAYER_NAMES`]) and the parsing of
/// a name all come from it; a new kind of layer is a row here, its meaning in
/// [`crate::valid`] and its code in [`crate::expand`].
macro_rules! layer_table {
    ($($keyword:ident => $kind:ident),* $(,)?) => {
        /// Layer names as keywords, so the parser recognizes them without string comparisons.
        pub mod kw {
            $(syn::custom_keyword!($keyword);)*
        }

        /// Every name `network!` accepts, in the table's order, for messages and suggestions.
        pub const LAYER_NAMES: &[&str] = &[$(stringify!($keyword)),*];

        /// How a known kind is written (its first keyword in the table).
        pub fn spelling(kind: &LayerKind) -> Option<&'static str> {
            $(if *kind == LayerKind::$kind {
                return Some(stringify!($keyword));
            })*
            None
        }

        /// The known name at the head of `input`, if there is one.
        fn known_name(input: ParseStream) -> syn::Result<Option<LayerName>> {
            $(if input.peek(kw::$keyword) {
                let span = input.parse::<kw::$keyword>()?.span;
                return Ok(Some(LayerName { kind: LayerKind::$kind, span }));
            })*
            Ok(None)
        }
    };
}

layer_table! {
    identity => Identity,
    linear => Identity,
    sigmoid => Sigmoid,
    tanh => Tanh,
    relu => Relu,
    leaky_relu => LeakyRelu,
    relu6 => Relu6,
    softmax => Softmax,
    batchnorm => BatchNorm,
    dropout => Dropout,
    conv => Conv,
    maxpool => MaxPool,
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

/// An input width (or image shape: a [`Width`] whose suffix is `x28x28`) and the layers after it.
pub struct Architecture {
    pub input: Width,
    pub steps: Vec<Step>,
}

/// `=> relu 128`
pub struct Step {
    pub layer: Layer,
}

/// One layer: a convolution, or any other layer.
pub enum Layer {
    /// `conv(8, 5x5)`, `conv(8, 5x5, pad = 2) relu`.
    Conv(Conv),
    /// Every other layer.
    Simple(SimpleLayer),
}

/// `relu 128`, `leaky_relu(0.1) 64`, `relu` (no width: a standalone activation), `batchnorm`,
/// `dropout(0.2)`, `maxpool(2)`.
pub struct SimpleLayer {
    pub name: LayerName,
    pub argument: Option<Argument>,
    pub width: Option<Width>,
}

/// The layer names the grammar knows (the activations, `batchnorm`, `dropout`, `conv` and
/// `maxpool`), plus any other identifier (reported by validation with a suggestion).
#[derive(Clone, Debug, PartialEq)]
pub enum LayerKind {
    Identity,
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
    Relu6,
    Softmax,
    BatchNorm,
    Dropout,
    Conv,
    MaxPool,
    Unknown(String),
}

/// A layer name and where it was written.
pub struct LayerName {
    pub kind: LayerKind,
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
        if spaced_x_follows(input) {
            return Err(input.error(
                "write an image shape without spaces, as one token: `1x28x28` (channels x height x width)",
            ));
        }
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

/// Whether the next token is an `x`, as in `1 x 28 x 28` (a shape written with spaces).
pub(crate) fn spaced_x_follows(input: ParseStream) -> bool {
    input
        .fork()
        .parse::<Ident>()
        .is_ok_and(|ident| ident == "x")
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
        if input.peek(kw::conv) {
            input.parse().map(Layer::Conv)
        } else {
            input.parse().map(Layer::Simple)
        }
    }
}

impl Parse for SimpleLayer {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name = input.parse()?;
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
        Ok(SimpleLayer {
            name,
            argument,
            width,
        })
    }
}

impl Parse for LayerName {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if let Some(name) = known_name(input)? {
            return Ok(name);
        }
        if input.peek(Ident) {
            let name: Ident = input.parse()?;
            return Ok(LayerName {
                kind: LayerKind::Unknown(name.to_string()),
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

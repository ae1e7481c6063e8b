//! Checks a parsed invocation and turns it into a [`Network`] that the expansion can trust.
//! Every error is a `syn::Error` spanned on the token that caused it.

use crate::ast::{self, ActivationKind, Invocation};
use proc_macro2::Span;
use syn::{Attribute, Ident, Visibility};

/// A checked network description.
pub struct Network {
    /// The name and visibility of the declared type, if the invocation declares one.
    pub declaration: Option<Declaration>,
    /// The input width.
    pub input: usize,
    /// The layers, input side first (at least one).
    pub layers: Vec<Layer>,
}

/// `#[attributes] pub struct Name`.
#[derive(Clone)]
pub struct Declaration {
    pub attributes: Vec<Attribute>,
    pub visibility: Visibility,
    pub name: Ident,
}

/// One dense layer and the activation that follows it.
pub struct Layer {
    pub activation: Activation,
    pub width: usize,
}

/// A known activation, with its parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    Identity,
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu { slope: f64 },
    Relu6,
    Softmax,
}

/// The names `network!` accepts, for messages and suggestions.
pub const ACTIVATION_NAMES: [&str; 8] = [
    "identity",
    "linear",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "relu6",
    "softmax",
];

/// The slope `leaky_relu` uses when none is given.
pub const DEFAULT_LEAKY_SLOPE: f64 = 0.01;

/// The most weights one layer may have (larger ones would not fit in memory anyway).
const MAX_WEIGHTS: usize = 1 << 32;

impl Network {
    /// The architecture in the macro's own syntax, e.g. `784 => relu 128 => softmax 10`.
    pub fn architecture(&self) -> String {
        let mut text = self.input.to_string();
        for layer in &self.layers {
            text += &format!(" => {} {}", layer.activation.spelling(), layer.width);
        }
        text
    }

    /// The width of the layer's input (`index` from 0).
    pub fn fan_in(&self, index: usize) -> usize {
        if index == 0 {
            self.input
        } else {
            self.layers[index - 1].width
        }
    }
}

impl Activation {
    /// How the activation is written in the macro.
    pub fn spelling(&self) -> String {
        match self {
            Activation::Identity => "identity".into(),
            Activation::Sigmoid => "sigmoid".into(),
            Activation::Tanh => "tanh".into(),
            Activation::Relu => "relu".into(),
            Activation::LeakyRelu { slope } if *slope == DEFAULT_LEAKY_SLOPE => "leaky_relu".into(),
            Activation::LeakyRelu { slope } => format!("leaky_relu({slope})"),
            Activation::Relu6 => "relu6".into(),
            Activation::Softmax => "softmax".into(),
        }
    }
}

/// Validates an invocation.
pub fn check(invocation: &Invocation) -> syn::Result<Network> {
    let (declaration, architecture) = match invocation {
        Invocation::Named(named) => (
            Some(Declaration {
                attributes: named.attributes.clone(),
                visibility: named.visibility.clone(),
                name: named.name.clone(),
            }),
            &named.architecture,
        ),
        Invocation::Anonymous(architecture) => (None, architecture),
    };
    let input = width(&architecture.input, "the input width")?;
    let mut layers = Vec::with_capacity(architecture.steps.len());
    let last = architecture.steps.len() - 1;
    let mut fan_in = input;
    for (index, step) in architecture.steps.iter().enumerate() {
        let layer = layer(&step.layer, index == last)?;
        if fan_in
            .checked_mul(layer.width)
            .is_none_or(|weights| weights > MAX_WEIGHTS)
        {
            let span = step
                .layer
                .width
                .as_ref()
                .map_or(step.layer.activation.span, |w| w.literal.span());
            let message = format!(
                "a {fan_in} → {} layer has too many weights (the limit is 2³²)",
                layer.width
            );
            return Err(syn::Error::new(span, message));
        }
        fan_in = layer.width;
        layers.push(layer);
    }
    Ok(Network {
        declaration,
        input,
        layers,
    })
}

fn layer(layer: &ast::Layer, is_last: bool) -> syn::Result<Layer> {
    let name = &layer.activation;
    let activation = match &name.kind {
        ActivationKind::Identity => Activation::Identity,
        ActivationKind::Sigmoid => Activation::Sigmoid,
        ActivationKind::Tanh => Activation::Tanh,
        ActivationKind::Relu => Activation::Relu,
        ActivationKind::LeakyRelu => Activation::LeakyRelu {
            slope: slope(layer.argument.as_ref())?,
        },
        ActivationKind::Relu6 => Activation::Relu6,
        ActivationKind::Softmax => Activation::Softmax,
        ActivationKind::Unknown(unknown) => return Err(unknown_activation(unknown, name.span)),
    };
    if let (Some(argument), false) = (
        &layer.argument,
        matches!(activation, Activation::LeakyRelu { .. }),
    ) {
        let message = format!(
            "`{}` takes no argument; remove `({})`",
            activation.spelling(),
            argument.text
        );
        return Err(syn::Error::new(argument.span, message));
    }
    let Some(written_width) = &layer.width else {
        let message = format!(
            "missing the width of this layer: write e.g. `{} 10`",
            activation.spelling()
        );
        return Err(syn::Error::new(name.span, message));
    };
    let width = width(written_width, "a layer width")?;
    if activation == Activation::Softmax && !is_last {
        return Err(syn::Error::new(
            name.span,
            "`softmax` can only be the output layer: it turns the final scores into probabilities; \
             use `relu`, `tanh` or `sigmoid` for hidden layers",
        ));
    }
    if activation == Activation::Softmax && width == 1 {
        return Err(syn::Error::new(
            written_width.literal.span(),
            "softmax over 1 output is always 1 and cannot learn; use `sigmoid 1` for a yes/no output",
        ));
    }
    Ok(Layer { activation, width })
}

fn width(width: &ast::Width, what: &str) -> syn::Result<usize> {
    let literal = &width.literal;
    if let Some(minus) = &width.minus {
        return Err(syn::Error::new_spanned(
            quote::quote!(#minus #literal),
            format!("{what} must be a positive whole number, not `-{literal}`"),
        ));
    }
    if !literal.suffix().is_empty() {
        let message = format!(
            "{what} is a plain number: remove the suffix `{}`",
            literal.suffix()
        );
        return Err(syn::Error::new(literal.span(), message));
    }
    match literal.base10_parse::<usize>() {
        Ok(0) => Err(syn::Error::new(
            literal.span(),
            format!("{what} must be at least 1"),
        )),
        Ok(value) => Ok(value),
        Err(_) => Err(syn::Error::new(
            literal.span(),
            format!("{what} `{literal}` is too large"),
        )),
    }
}

fn slope(argument: Option<&ast::Argument>) -> syn::Result<f64> {
    let Some(argument) = argument else {
        return Ok(DEFAULT_LEAKY_SLOPE);
    };
    match argument.value {
        Some(slope) if slope.is_finite() && (0.0..1.0).contains(&slope) => Ok(slope),
        _ => Err(syn::Error::new(
            argument.span,
            format!(
                "the slope of `leaky_relu` must be at least 0 and below 1, e.g. `leaky_relu(0.01)`; found `{}`",
                argument.text
            ),
        )),
    }
}

fn unknown_activation(name: &str, span: Span) -> syn::Error {
    let known = ACTIVATION_NAMES.join(", ");
    let message = match suggestion(name) {
        Some(close) => {
            format!("unknown activation `{name}`; did you mean `{close}`? (known: {known})")
        }
        None => format!("unknown activation `{name}` (known: {known})"),
    };
    syn::Error::new(span, message)
}

/// The known name closest to `name`, if it is close enough to be a likely typo.
pub fn suggestion(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    ACTIVATION_NAMES
        .iter()
        .map(|&known| (edit_distance(&lower, known), known))
        .min()
        .filter(|&(distance, known)| distance <= (known.len() / 3).max(2))
        .map(|(_, known)| known)
}

/// Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            current[j + 1] = (previous[j] + usize::from(ca != cb))
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

//! Checks a parsed invocation and turns it into a [`Network`] that the expansion can trust.
//! Every error is a `syn::Error` spanned on the token that caused it. The image steps
//! (convolution, max-pooling, the image input) and their shape arithmetic are in [`image`].

mod activation;
mod image;
mod names;

use crate::ast::{self, Invocation, LayerKind};
pub use activation::{Activation, DEFAULT_LEAKY_SLOPE, ImpliedLoss};
pub use image::Image;
#[cfg(test)]
pub use names::suggestion;
use names::unknown_activation;
use syn::{Attribute, Ident, Visibility};

/// A checked network description.
pub struct Network {
    /// The name and visibility of the declared type, if the invocation declares one.
    pub declaration: Option<Declaration>,
    /// The input width (`C·H·W` for an image).
    pub input: usize,
    /// The input's image shape, if it is an image (`1x28x28`).
    pub input_image: Option<Image>,
    /// The steps, input side first (at least one; the last is a dense layer).
    pub steps: Vec<Step>,
}

/// `#[attributes] pub struct Name`.
#[derive(Clone)]
pub struct Declaration {
    pub attributes: Vec<Attribute>,
    pub visibility: Visibility,
    pub name: Ident,
}

/// One step of the network and the width of its output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub kind: StepKind,
    /// The width after this step (a dense layer's own width; the width before it otherwise;
    /// `C·H·W` of an image).
    pub width: usize,
    /// The shape of the output while it is an image (after a convolution, a max-pooling, or a
    /// width-keeping step on an image); `None` once a dense layer has flattened it.
    pub image: Option<Image>,
    /// Written after the previous step without `=>`: the activation of `conv(8, 5x5) relu`.
    pub attached: bool,
}

impl Step {
    /// A step on flat features.
    fn flat(kind: StepKind, width: usize) -> Self {
        Self {
            kind,
            width,
            image: None,
            attached: false,
        }
    }
}

/// The kinds of step, each a layer of `nabla`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StepKind {
    /// `=> relu 128`: a dense layer with its activation fused (`Dense`, the activation applied
    /// in the generated code).
    Dense(Activation),
    /// `=> relu`: an activation on its own (`Activate`).
    Activate(Activation),
    /// `=> batchnorm`: batch normalization over the current width (`BatchNorm`).
    BatchNorm,
    /// `=> dropout(0.2)`: inverted dropout (`Dropout`).
    Dropout { probability: f64 },
    /// `=> conv(8, 5x5, pad = 2)`: a convolution (`Conv2d`) with `kernel × kernel` kernels and
    /// `padding` zeros on every side; its output channels are those of the step's image.
    Conv { kernel: usize, padding: usize },
    /// `=> maxpool(2)`: 2×2 max-pooling with stride 2 (`MaxPool2d`).
    MaxPool,
}

/// A dense layer and the activation that follows it.
pub struct Layer {
    pub activation: Activation,
    pub width: usize,
}

/// The most weights one layer may have (larger ones would not fit in memory anyway).
const MAX_WEIGHTS: usize = 1 << 32;

impl Network {
    /// The architecture in the macro's own syntax, e.g. `784 => relu 128 => softmax 10` or
    /// `1x28x28 => conv(8, 5x5) relu => maxpool(2) => softmax 10`.
    pub fn architecture(&self) -> String {
        let mut text = match self.input_image {
            Some(image) => image.to_string(),
            None => self.input.to_string(),
        };
        for step in &self.steps {
            let arrow = if step.attached { " " } else { " => " };
            text += arrow;
            text += &match step.kind {
                StepKind::Dense(activation) => {
                    format!("{} {}", activation.spelling(), step.width)
                }
                StepKind::Activate(activation) => activation.spelling(),
                StepKind::BatchNorm => "batchnorm".to_string(),
                StepKind::Dropout { probability } => format!("dropout({probability})"),
                StepKind::Conv { kernel, padding } => {
                    let channels = step.image.map_or(0, |image| image.channels);
                    match padding {
                        0 => format!("conv({channels}, {kernel}x{kernel})"),
                        _ => format!("conv({channels}, {kernel}x{kernel}, pad = {padding})"),
                    }
                }
                StepKind::MaxPool => "maxpool(2)".to_string(),
            };
        }
        text
    }

    /// The dense layers, input side first.
    pub fn layers(&self) -> Vec<Layer> {
        self.steps
            .iter()
            .filter_map(|step| match step.kind {
                StepKind::Dense(activation) => Some(Layer {
                    activation,
                    width: step.width,
                }),
                _ => None,
            })
            .collect()
    }

    /// The width of the input of step `index` (from 0).
    pub fn fan_in(&self, index: usize) -> usize {
        if index == 0 {
            self.input
        } else {
            self.steps[index - 1].width
        }
    }

    /// The image shape of the input of step `index` (from 0), if it is an image.
    pub fn image_in(&self, index: usize) -> Option<Image> {
        if index == 0 {
            self.input_image
        } else {
            self.steps[index - 1].image
        }
    }

    /// Whether the network has a convolution.
    pub fn has_conv(&self) -> bool {
        self.steps
            .iter()
            .any(|step| matches!(step.kind, StepKind::Conv { .. }))
    }

    /// Whether every step is a dense layer (the networks `network!` wrote before it knew other
    /// layers: their expansion is unchanged).
    pub fn only_dense(&self) -> bool {
        self.steps
            .iter()
            .all(|step| matches!(step.kind, StepKind::Dense(_)))
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
    let (input, input_image) = image::input(&architecture.input)?;
    let mut steps: Vec<Step> = Vec::with_capacity(architecture.steps.len());
    let last = architecture.steps.len() - 1;
    for (index, written) in architecture.steps.iter().enumerate() {
        let before = image::Before {
            width: steps.last().map_or(input, |step| step.width),
            image: steps.last().map_or(input_image, |step| step.image),
            steps: &steps,
            input: &architecture.input,
        };
        let layer = match &written.layer {
            ast::Layer::Conv(conv) => {
                let new = image::conv(conv, &before, index == last)?;
                steps.extend(new);
                continue;
            }
            ast::Layer::Simple(layer) => layer,
        };
        if layer.name.kind == LayerKind::MaxPool {
            let step = image::maxpool(layer, &before, index == last)?;
            steps.push(step);
            continue;
        }
        let fan_in = before.width;
        let mut step = step(layer, fan_in, index == last)?;
        match step.kind {
            StepKind::Dense(_) => {
                if fan_in
                    .checked_mul(step.width)
                    .is_none_or(|weights| weights > MAX_WEIGHTS)
                {
                    let span = layer
                        .width
                        .as_ref()
                        .map_or(layer.name.span, |w| w.literal.span());
                    let message = format!(
                        "a {fan_in} → {} layer has too many weights (the limit is 2³²)",
                        step.width
                    );
                    return Err(syn::Error::new(span, message));
                }
            }
            StepKind::BatchNorm => {
                if let Some(shape) = before.image {
                    return Err(image::batchnorm_on_image(layer.name.span, shape));
                }
            }
            // Element-wise steps keep the image's shape.
            _ => step.image = before.image,
        }
        steps.push(step);
    }
    Ok(Network {
        declaration,
        input,
        input_image,
        steps,
    })
}

const LAST_STEP: &str =
    "the network must end with a dense layer with a width, e.g. `=> softmax 10`";

/// A step: a dense layer (an activation with a width), a standalone activation (no width),
/// `batchnorm` or `dropout(P)` (these two keep the width `fan_in` before them).
fn step(layer: &ast::SimpleLayer, fan_in: usize, is_last: bool) -> syn::Result<Step> {
    let name = &layer.name;
    let activation = match &name.kind {
        LayerKind::Identity => Activation::Identity,
        LayerKind::Sigmoid => Activation::Sigmoid,
        LayerKind::Tanh => Activation::Tanh,
        LayerKind::Relu => Activation::Relu,
        LayerKind::LeakyRelu => Activation::LeakyRelu {
            slope: slope(layer.argument.as_ref())?,
        },
        LayerKind::Relu6 => Activation::Relu6,
        LayerKind::Softmax => Activation::Softmax,
        LayerKind::BatchNorm | LayerKind::Dropout => return width_keeping(layer, fan_in, is_last),
        LayerKind::Conv | LayerKind::MaxPool => return Err(image::not_an_activation(name)),
        LayerKind::Unknown(unknown) => return Err(unknown_activation(unknown, name.span)),
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
    if activation == Activation::Softmax && !is_last {
        return Err(syn::Error::new(
            name.span,
            "`softmax` can only be the output layer: it turns the final scores into probabilities; \
             use `relu`, `tanh` or `sigmoid` for hidden layers",
        ));
    }
    let Some(written_width) = &layer.width else {
        if is_last {
            let message = format!(
                "missing the width of this layer: write e.g. `{} 10`",
                activation.spelling()
            );
            return Err(syn::Error::new(name.span, message));
        }
        return Ok(Step::flat(StepKind::Activate(activation), fan_in));
    };
    let width = width(written_width, "a layer width")?;
    if activation == Activation::Softmax && width == 1 {
        return Err(syn::Error::new(
            written_width.literal.span(),
            "softmax over 1 output is always 1 and cannot learn; use `sigmoid 1` for a yes/no output",
        ));
    }
    Ok(Step::flat(StepKind::Dense(activation), width))
}

/// `batchnorm` or `dropout(P)`: no width, and an argument only for dropout.
fn width_keeping(layer: &ast::SimpleLayer, fan_in: usize, is_last: bool) -> syn::Result<Step> {
    let name = &layer.name;
    let is_dropout = name.kind == LayerKind::Dropout;
    let spelling = if is_dropout { "dropout" } else { "batchnorm" };
    let kind = match (&layer.argument, is_dropout) {
        (Some(argument), false) => {
            let message = format!(
                "`batchnorm` takes no argument: it normalizes the width before it; remove `({})`",
                argument.text
            );
            return Err(syn::Error::new(argument.span, message));
        }
        (None, false) => StepKind::BatchNorm,
        (None, true) => {
            return Err(syn::Error::new(
                name.span,
                "`dropout` needs the probability of dropping each value: write e.g. `dropout(0.5)`",
            ));
        }
        (Some(argument), true) => match argument.value {
            Some(probability) if probability.is_finite() && (0.0..1.0).contains(&probability) => {
                StepKind::Dropout { probability }
            }
            _ => {
                let message = format!(
                    "the probability of `dropout` must be at least 0 and below 1, e.g. `dropout(0.5)`; found `{}`",
                    argument.text
                );
                return Err(syn::Error::new(argument.span, message));
            }
        },
    };
    if let Some(written_width) = &layer.width {
        let literal = &written_width.literal;
        let message = format!(
            "`{spelling}` keeps the width before it ({fan_in}); remove `{literal}`, or add a dense \
             layer after it, e.g. `=> {spelling} => relu {literal}`"
        );
        return Err(syn::Error::new_spanned(quote::quote!(#literal), message));
    }
    if is_last {
        let message =
            format!("{LAST_STEP}; `{spelling}` keeps the width before it and cannot be the output");
        return Err(syn::Error::new(name.span, message));
    }
    Ok(Step::flat(kind, fan_in))
}

/// A positive whole number without a suffix; `what` names it in the messages.
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

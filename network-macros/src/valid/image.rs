//! The image steps and their shape arithmetic: the image input `1x28x28`, the convolution
//! `conv(8, 5x5, pad = 2)` (output `H + 2P − K + 1` by `W + 2P − K + 1`), 2×2 max-pooling
//! (output `H/2` by `W/2`, `H` and `W` even), and the rules of where they may stand: an image
//! step needs an image before it (the input, or another image step), a dense layer flattens the
//! image (`C·H·W` features, nothing moves), and batch norm does not apply to images yet. Every
//! error states the shapes involved.

use super::{LAST_STEP, MAX_WEIGHTS, Step, StepKind, step, width};
use crate::ast::{self, LayerKind, LayerName};
use proc_macro2::Span;
use std::fmt;
use syn::LitInt;

/// An image shape: channels × height × width, stored flat in that order (`c·H·W + y·W + x`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Image {
    pub channels: usize,
    pub height: usize,
    pub width: usize,
}

impl Image {
    /// The number of values, `C·H·W`, if it is within the limit on a layer's size.
    fn checked_size(self) -> Option<usize> {
        self.channels
            .checked_mul(self.height)?
            .checked_mul(self.width)
            .filter(|&size| size <= MAX_WEIGHTS)
    }

    /// `C·H·W` (checked when the image was made).
    pub fn size(self) -> usize {
        self.channels * self.height * self.width
    }
}

impl fmt::Display for Image {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}x{}x{}", self.channels, self.height, self.width)
    }
}

/// What comes before the step being checked.
pub struct Before<'a> {
    /// The width of the step's input.
    pub width: usize,
    /// Its image shape, if it is an image.
    pub image: Option<Image>,
    /// The steps checked so far.
    pub steps: &'a [Step],
    /// The network's input as written.
    pub input: &'a ast::Width,
}

impl Before<'_> {
    /// How the shape of the input is described in messages.
    fn origin(&self, image: Image) -> String {
        match self.steps.last() {
            None => format!("the network's input is {image}"),
            Some(_) => format!("{image} after the previous layer"),
        }
    }
}

/// The numbers of `1x28x28` or `5x5`, from the literal's text (Rust reads `1x28x28` as the
/// integer `1` with the suffix `x28x28`; `0x28x28` as the hexadecimal `0x28` with `x28`).
fn dimensions(literal: &LitInt) -> Option<Vec<usize>> {
    literal
        .to_string()
        .split('x')
        .map(|part| part.replace('_', "").parse().ok())
        .collect()
}

/// The input: a width (`784`), or an image shape (`1x28x28`) and its size.
pub fn input(written: &ast::Width) -> syn::Result<(usize, Option<Image>)> {
    let literal = &written.literal;
    let text = literal.to_string();
    let is_shape = literal.suffix().starts_with('x') || text.matches('x').count() >= 2;
    if written.minus.is_some() || !is_shape {
        return Ok((width(written, "the input width")?, None));
    }
    let error = |message: String| Err(syn::Error::new(literal.span(), message));
    let Some(numbers) = dimensions(literal) else {
        return error(format!(
            "expected an image shape CHANNELSxHEIGHTxWIDTH such as `1x28x28`, not `{text}`"
        ));
    };
    let &[channels, height, width] = numbers.as_slice() else {
        let hint = match numbers.len() {
            2 => format!(": for one channel, write `1x{text}`"),
            _ => String::new(),
        };
        return error(format!(
            "an image input is CHANNELSxHEIGHTxWIDTH, e.g. `1x28x28` (one channel of 28x28 \
             pixels); `{text}` has {} numbers{hint}",
            numbers.len()
        ));
    };
    let image = Image {
        channels,
        height,
        width,
    };
    if channels == 0 {
        return error(format!(
            "an image has at least 1 channel; `{text}` has 0 (`1x{height}x{width}` for gray pixels)"
        ));
    }
    if height == 0 || width == 0 {
        return error(format!(
            "an image is at least 1x1 pixels; `{text}` is {height}x{width}"
        ));
    }
    let Some(size) = image.checked_size() else {
        return error(format!(
            "the image `{text}` has too many values (the limit is 2³²)"
        ));
    };
    Ok((size, Some(image)))
}

/// `conv(8, 5x5, pad = 2)` and the activation written after it: one or two steps.
pub fn conv(conv: &ast::Conv, before: &Before, is_last: bool) -> syn::Result<Vec<Step>> {
    let channels = width(&conv.channels, "the number of output channels")?;
    let kernel = kernel_size(&conv.kernel)?;
    let padding = match &conv.padding {
        None => 0,
        Some(padding) => padding_size(&padding.literal, kernel)?,
    };
    let Some(image) = before.image else {
        return Err(needs_image("a convolution", conv.span, before));
    };
    let padded = |side: usize| side.saturating_add(padding.saturating_mul(2));
    let (padded_height, padded_width) = (padded(image.height), padded(image.width));
    if kernel > padded_height || kernel > padded_width {
        let (height, width) = (image.height, image.width);
        let input = match padding {
            0 => format!("the {height}x{width} input of this layer"),
            _ => format!(
                "the {padded_height}x{padded_width} input of this layer ({height}x{width} padded by {padding})"
            ),
        };
        let message = format!(
            "a {kernel}x{kernel} kernel does not fit {input} ({})",
            before.origin(image)
        );
        return Err(syn::Error::new(conv.kernel.span(), message));
    }
    let output = Image {
        channels,
        height: padded_height - kernel + 1,
        width: padded_width - kernel + 1,
    };
    let weights = channels
        .checked_mul(image.channels)
        .and_then(|n| n.checked_mul(kernel.checked_mul(kernel)?));
    let Some(size) = output
        .checked_size()
        .filter(|_| weights.is_some_and(|w| w <= MAX_WEIGHTS))
    else {
        let message = format!(
            "a convolution from {image} to {output} is too large (the limit is 2³² values or weights)"
        );
        return Err(syn::Error::new(conv.span, message));
    };
    if is_last {
        let message = format!(
            "{LAST_STEP}; a convolution outputs an image ({output}), which a dense layer turns into scores"
        );
        return Err(syn::Error::new(conv.span, message));
    }
    let conv_step = Step {
        kind: StepKind::Conv { kernel, padding },
        width: size,
        image: Some(output),
        attached: false,
    };
    let Some(layer) = &conv.activation else {
        return Ok(vec![conv_step]);
    };
    let is_activation = !matches!(
        layer.name.kind,
        LayerKind::BatchNorm
            | LayerKind::Dropout
            | LayerKind::MaxPool
            | LayerKind::Conv
            | LayerKind::Unknown(_)
    );
    if is_activation {
        if let Some(written) = &layer.width {
            let message = format!(
                "the activation after `conv(…)` applies to its output ({output}) and takes no \
                 width; for a dense layer, write `=> {} {}` after it",
                layer_spelling(&layer.name),
                written.literal
            );
            return Err(syn::Error::new(written.literal.span(), message));
        }
    }
    let activation = match step(layer, size, false) {
        Ok(step) if matches!(step.kind, StepKind::Activate(_)) => step,
        Ok(_) => return Err(not_an_activation(&layer.name)),
        Err(error) => return Err(error),
    };
    Ok(vec![
        conv_step,
        Step {
            image: Some(output),
            attached: true,
            ..activation
        },
    ])
}

/// How a known layer name is written, for messages.
fn layer_spelling(name: &LayerName) -> &'static str {
    ast::spelling(&name.kind).unwrap_or("?")
}

/// The error for a layer other than an activation written after `conv(…)` without `=>`.
pub fn not_an_activation(name: &LayerName) -> syn::Error {
    let spelling = layer_spelling(name);
    let example = match name.kind {
        LayerKind::MaxPool => "maxpool(2)",
        LayerKind::Dropout => "dropout(0.5)",
        LayerKind::Conv => "conv(8, 5x5)",
        _ => spelling,
    };
    syn::Error::new(
        name.span,
        format!(
            "`{spelling}` is a layer of its own: write `=> {example}`; only an activation follows \
             `conv(…)` without `=>`, as in `conv(8, 5x5) relu`"
        ),
    )
}

/// `5x5` → 5: a square kernel of at least 1x1.
fn kernel_size(literal: &LitInt) -> syn::Result<usize> {
    let text = literal.to_string();
    let error = |message: String| Err(syn::Error::new(literal.span(), message));
    match dimensions(literal).as_deref() {
        Some(&[side]) => error(format!(
            "write the kernel size as `{side}x{side}` (a square of {side} by {side} pixels)"
        )),
        Some(&[0, _] | &[_, 0]) => error(format!("a kernel is at least 1x1 pixels, not `{text}`")),
        Some(&[height, width]) if height == width => Ok(height),
        Some(&[height, width]) => error(format!(
            "kernels are square: `{text}` is {height} by {width}; write e.g. `{height}x{height}`"
        )),
        _ => error(format!(
            "expected the kernel size as KxK, e.g. `5x5`, not `{text}`"
        )),
    }
}

/// `pad = 2` → 2: a plain number of zeros, fewer than the kernel's side (with more, the border
/// outputs would see nothing but zeros).
fn padding_size(literal: &LitInt, kernel: usize) -> syn::Result<usize> {
    let padding = match literal.base10_parse::<usize>() {
        Ok(padding) if literal.suffix().is_empty() => padding,
        _ => {
            let message =
                format!("the padding is a plain whole number, e.g. `pad = 2`, not `{literal}`");
            return Err(syn::Error::new(literal.span(), message));
        }
    };
    if padding >= kernel {
        let message = format!(
            "`pad = {padding}` around a {kernel}x{kernel} kernel makes outputs that see only \
             zeros: the padding must be less than {kernel} (`pad = {}` keeps the image's size)",
            (kernel - 1) / 2
        );
        return Err(syn::Error::new(literal.span(), message));
    }
    Ok(padding)
}

/// `maxpool(2)`: halves an image whose height and width are even.
pub fn maxpool(layer: &ast::SimpleLayer, before: &Before, is_last: bool) -> syn::Result<Step> {
    let span = layer.name.span;
    match &layer.argument {
        None => {
            return Err(syn::Error::new(
                span,
                "max-pooling needs its window size: write `maxpool(2)` (2x2 windows, stride 2)",
            ));
        }
        Some(argument) if argument.text != "2" => {
            let message = if argument.text == "2x2" {
                "write `maxpool(2)`: the window is square, so one number gives its size".to_string()
            } else {
                format!(
                    "only 2x2 max-pooling is supported: write `maxpool(2)`, not `maxpool({})`",
                    argument.text
                )
            };
            return Err(syn::Error::new(argument.span, message));
        }
        Some(_) => {}
    }
    if let Some(written) = &layer.width {
        let literal = &written.literal;
        let message = format!(
            "`maxpool(2)` halves the height and width and takes no width; remove `{literal}`"
        );
        return Err(syn::Error::new(literal.span(), message));
    }
    let Some(image) = before.image else {
        return Err(needs_image("max-pooling", span, before));
    };
    if image.height % 2 == 1 || image.width % 2 == 1 {
        // The step that made this shape, past the element-wise ones.
        let maker = before
            .steps
            .iter()
            .rev()
            .map(|step| step.kind)
            .find(|kind| !matches!(kind, StepKind::Activate(_) | StepKind::Dropout { .. }));
        let remedy = match maker {
            None => "crop the input to an even size",
            Some(StepKind::Conv { .. }) => "pad the previous convolution or drop a row",
            Some(_) => "pad a convolution before it or drop a row",
        };
        let message = format!(
            "max-pooling 2x2 halves the image, but this input is {image}: its height and width \
             must be even ({}x{}); {remedy}",
            image.height, image.width
        );
        return Err(syn::Error::new(span, message));
    }
    let output = Image {
        channels: image.channels,
        height: image.height / 2,
        width: image.width / 2,
    };
    if is_last {
        let message = format!(
            "{LAST_STEP}; max-pooling outputs an image ({output}), which a dense layer turns into scores"
        );
        return Err(syn::Error::new(span, message));
    }
    Ok(Step {
        kind: StepKind::MaxPool,
        width: output.size(),
        image: Some(output),
        attached: false,
    })
}

/// `what` (a convolution, max-pooling) stands where there is no image: after a dense layer, or
/// in a network whose input is flat (then the error is at the input, with a shape to write).
fn needs_image(what: &str, span: Span, before: &Before) -> syn::Error {
    let dense = before.steps.iter().rev().find_map(|step| match step.kind {
        StepKind::Dense(activation) => Some((activation.spelling(), step.width)),
        _ => None,
    });
    if let Some((activation, width)) = dense {
        let message = format!(
            "{what} needs an image, but it follows the dense layer `{activation} {width}`, whose \
             output is {width} flat features: put convolutions and max-pooling before the dense layers"
        );
        return syn::Error::new(span, message);
    }
    let input = before.input.literal.to_string();
    let n = before.width;
    let side = |n: usize| (1..=n).find(|s| s * s >= n).filter(|s| s * s == n);
    let shape = match (side(n), side(n / 3).filter(|_| n % 3 == 0)) {
        (Some(s), _) => format!("`1x{s}x{s}` (one channel of {s}x{s} pixels)"),
        (None, Some(s)) => format!("`3x{s}x{s}` (three channels of {s}x{s} pixels)"),
        (None, None) => "`1x28x28` (one channel of 28x28 pixels)".to_string(),
    };
    let message = format!(
        "{what} needs an image, but the input `{input}` is flat: write its shape as \
         CHANNELSxHEIGHTxWIDTH, e.g. {shape}"
    );
    syn::Error::new(before.input.literal.span(), message)
}

/// `batchnorm` on an image: not supported (channel-wise batch norm is a different layer).
pub fn batchnorm_on_image(span: Span, image: Image) -> syn::Error {
    let message = format!(
        "`batchnorm` on an image ({image}) would normalize each of its {} values on its own, \
         not each channel as PyTorch's BatchNorm2d does; channel-wise batch norm is not \
         supported yet: put `batchnorm` after a dense layer",
        image.size()
    );
    syn::Error::new(span, message)
}

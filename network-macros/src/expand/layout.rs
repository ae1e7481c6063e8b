//! The per-step facts that several generated parts need (field names, where each step's output
//! and its gradient live in the trace), computed once from the checked [`Network`].

use super::superscript;
use crate::valid::{Activation, Network, Step, StepKind};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;

/// Where a step's output lives in the trace, and where ∂L/∂ that output goes.
pub struct Value {
    pub output: TokenStream,
    pub gradient: TokenStream,
    /// How the book writes it, for doc comments.
    pub spelling: String,
}

/// A checked network, with what the parts of its expansion share.
pub struct Layout<'n> {
    pub network: &'n Network,
    /// Each step's field name, numbered per kind from 1 (`layer1`, `norm1`, `dropout1`, `act1`,
    /// `conv1`, `pool1`).
    pub names: Vec<Ident>,
    /// Each step's index among the steps of its kind, from 0 (`layer2` has index 1).
    pub kind_index: Vec<usize>,
    /// Where each step's output is, and the buffer for ∂L/∂ that output.
    pub values: Vec<Value>,
    /// The index of the last step, the output layer.
    pub last: usize,
    /// Features per input sample, as a literal.
    pub input: Literal,
    /// Outputs per sample, as a literal.
    pub output: Literal,
    /// The output layer's activation, which picks the loss.
    pub output_activation: Activation,
    /// Whether every step is a dense layer (the expansion predating the other kinds).
    pub only_dense: bool,
}

impl<'n> Layout<'n> {
    /// Names every step and finds where its output and gradient live.
    pub fn new(network: &'n Network) -> Self {
        let steps = &network.steps;
        let layers = network.layers();
        let last = steps.len() - 1;
        let (names, kind_index) = step_names(steps);
        let values = steps
            .iter()
            .enumerate()
            .map(|(s, step)| step_value(step, s == last, &names[s], kind_index[s]))
            .collect();
        let output_layer = &layers[layers.len() - 1];
        Self {
            network,
            names,
            kind_index,
            values,
            last,
            input: Literal::usize_unsuffixed(network.input),
            output: Literal::usize_unsuffixed(output_layer.width),
            output_activation: output_layer.activation,
            only_dense: network.only_dense(),
        }
    }

    /// The steps in order, each with its index and field name.
    pub fn steps(&self) -> impl DoubleEndedIterator<Item = (usize, &Step, &Ident)> {
        self.network
            .steps
            .iter()
            .zip(&self.names)
            .enumerate()
            .map(|(s, (step, name))| (s, step, name))
    }

    /// What step `s` reads: the input, or the previous step's output.
    pub fn source(&self, s: usize) -> TokenStream {
        if s == 0 {
            quote!(input)
        } else {
            let output = &self.values[s - 1].output;
            quote!(&#output)
        }
    }

    /// Where step `s` writes ∂L/∂ its input: nowhere for the first step.
    pub fn input_gradient(&self, s: usize) -> TokenStream {
        if s == 0 {
            quote!(None)
        } else {
            let gradient = &self.values[s - 1].gradient;
            quote!(Some(&mut #gradient))
        }
    }

    /// The activation applied to the output of the convolution at step `s`, which picks its
    /// initializer as a dense layer's activation picks its own: the one written after it
    /// (`conv(8, 5x5) relu`) or a standalone one that follows it, past max-pooling and dropout
    /// (which commute with it, or nearly); `identity` if another layer comes first.
    pub fn conv_activation(&self, s: usize) -> Activation {
        for step in &self.network.steps[s + 1..] {
            match step.kind {
                StepKind::Activate(activation) => return activation,
                StepKind::MaxPool | StepKind::Dropout { .. } => {}
                _ => break,
            }
        }
        Activation::Identity
    }

    /// The trace fields z, a and δ of the hidden dense layer at step `s`.
    pub fn dense_trace(&self, s: usize) -> (Ident, Ident, Ident) {
        let number = self.kind_index[s] + 1;
        (
            format_ident!("weighted_input{}", number),
            format_ident!("activation{}", number),
            format_ident!("delta{}", number),
        )
    }
}

/// Each step's field name, numbered per kind from 1, and its index among its kind from 0.
fn step_names(steps: &[Step]) -> (Vec<Ident>, Vec<usize>) {
    let (mut dense_count, mut norm_count, mut dropout_count, mut act_count) = (0usize, 0, 0, 0);
    let (mut conv_count, mut pool_count) = (0usize, 0);
    let mut names = Vec::new();
    let mut kind_index = Vec::new();
    for step in steps {
        let (counter, prefix) = match step.kind {
            StepKind::Dense(_) => (&mut dense_count, "layer"),
            StepKind::BatchNorm => (&mut norm_count, "norm"),
            StepKind::Dropout { .. } => (&mut dropout_count, "dropout"),
            StepKind::Activate(_) => (&mut act_count, "act"),
            StepKind::Conv { .. } => (&mut conv_count, "conv"),
            StepKind::MaxPool => (&mut pool_count, "pool"),
        };
        kind_index.push(*counter);
        *counter += 1;
        let number = *counter;
        names.push(format_ident!("{prefix}{number}"));
    }
    (names, kind_index)
}

/// Where a step's output lives: the logits for the last, `activationN` for a hidden dense layer,
/// its cache's `output` for the other kinds.
fn step_value(step: &Step, is_last: bool, name: &Ident, kind_index: usize) -> Value {
    match step.kind {
        StepKind::Dense(_) if is_last => Value {
            output: quote!(trace.logits),
            gradient: quote!(logits_gradient),
            spelling: "the logits".into(),
        },
        StepKind::Dense(_) => {
            let number = kind_index + 1;
            let (a, d) = (
                format_ident!("activation{}", number),
                format_ident!("delta{}", number),
            );
            Value {
                output: quote!(trace.#a),
                gradient: quote!(trace.#d),
                spelling: format!("a{}", superscript(number)),
            }
        }
        _ => {
            let gradient = format_ident!("{name}_gradient");
            Value {
                output: quote!(trace.#name.output),
                gradient: quote!(trace.#gradient),
                spelling: format!("(the output of `{name}`)"),
            }
        }
    }
}

//! The activations `network!` knows: the one table of what each is called, which type of
//! `nabla::activation` it is, which initializer suits the weights before it, and which loss it
//! implies as the output activation.

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

/// The slope `leaky_relu` uses when none is given.
pub const DEFAULT_LEAKY_SLOPE: f64 = 0.01;

/// The loss an output activation implies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImpliedLoss {
    /// Softmax cross-entropy on the logits (gradient `ŷ − y`).
    SoftmaxCrossEntropy,
    /// Binary cross-entropy on the logit of a sigmoid.
    SigmoidBinaryCrossEntropy,
    /// Mean squared error on the output itself.
    MeanSquaredError,
    /// Mean squared error on the activated output (`AfterActivation`).
    MeanSquaredErrorAfterActivation,
}

/// Everything the macro knows about one activation: how it is written, its type in
/// `nabla::activation`, which initializer suits the weights before it, and the loss it implies
/// as the output activation.
pub struct ActivationInfo {
    /// The name in the macro's grammar (without an argument).
    pub name: &'static str,
    /// The type's name in `nabla::activation`.
    pub type_name: &'static str,
    /// He initialization (the ReLU family) rather than Xavier.
    pub he_init: bool,
    /// The loss it implies after the output layer.
    pub loss: ImpliedLoss,
}

impl Activation {
    /// The one table of activations: each row says everything about one of them.
    pub fn info(self) -> ActivationInfo {
        use ImpliedLoss::*;
        let row = |name, type_name, he_init, loss| ActivationInfo {
            name,
            type_name,
            he_init,
            loss,
        };
        match self {
            Activation::Identity => row("identity", "Identity", false, MeanSquaredError),
            Activation::Sigmoid => row("sigmoid", "Sigmoid", false, SigmoidBinaryCrossEntropy),
            Activation::Tanh => row("tanh", "Tanh", false, MeanSquaredErrorAfterActivation),
            Activation::Relu => row("relu", "Relu", true, MeanSquaredErrorAfterActivation),
            Activation::LeakyRelu { .. } => row(
                "leaky_relu",
                "LeakyRelu",
                true,
                MeanSquaredErrorAfterActivation,
            ),
            Activation::Relu6 => row("relu6", "Relu6", true, MeanSquaredErrorAfterActivation),
            Activation::Softmax => row("softmax", "Softmax", false, SoftmaxCrossEntropy),
        }
    }

    /// How the activation is written in the macro (with its slope, if not the default).
    pub fn spelling(&self) -> String {
        match self {
            Activation::LeakyRelu { slope } if *slope != DEFAULT_LEAKY_SLOPE => {
                format!("leaky_relu({slope})")
            }
            other => other.info().name.into(),
        }
    }
}

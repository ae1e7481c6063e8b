//! Chapter 13's equations, each checked numerically by the test named after it: the library's
//! `Conv2d` and `MaxPool2d` against the definitions (13.1)–(13.9), LeNet's shapes, parameter
//! counts and receptive fields (13.2, 13.3, 13.10); the checks that grade the learner's
//! exercises run on the library (`exercise_checks`); the opening claim about permuted pixels
//! on a small seeded subset (`experiments`).

mod exercise_checks;
mod experiments;
mod layers;
mod network;

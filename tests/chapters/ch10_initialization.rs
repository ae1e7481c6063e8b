//! Chapter 10's equations, each checked numerically by the test named after it.

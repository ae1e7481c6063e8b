//! Chapter 12's equations, each checked numerically by the test named after it.

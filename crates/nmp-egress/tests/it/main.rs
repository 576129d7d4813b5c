//! Integration tests of `nmp-egress`: the labelled corpora (tuning, evaluation, hold-out),
//! behaviour examples and properties.

mod behaviour;
mod corpus;
mod eval;
mod holdout;
mod holdout2;
mod holdout3;
mod props;
mod scoring;
mod tuning;
mod values;

//! Integration tests of `nmp-egress`: the labelled corpus, behaviour examples and properties.

mod behaviour;
mod corpus;
mod eval;
mod props;
mod values;

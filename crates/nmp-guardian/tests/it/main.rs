//! Integration tests for the Guardian: hostile modules, one file per concern.

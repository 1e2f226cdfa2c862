//! Holds nothing: this package exists for its test binaries, `integration` and `memory`.

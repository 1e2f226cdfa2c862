//! Holds nothing: this package exists for its `integration` test binary.

//! Spelling.

//! Integration tests for byline-media.

//! Integration tests for byline-media, against small in-repo photos and (when present) the
//! shared corpus next to the repository.

mod batch;
mod caption;
mod common;
mod fuzz;
mod gps;
mod metadata;
mod preview;
mod render;

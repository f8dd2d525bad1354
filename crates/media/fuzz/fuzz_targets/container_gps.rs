//! Fuzz target: strip_gps on arbitrary whole files (the PNG, WebP and TIFF walkers).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| byline_media::fuzzing::container_gps(data));

//! Fuzz target: JPEG segment walk, probe, metadata read and the write_caption roundtrip on arbitrary file bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| byline_media::fuzzing::whole_file(data));

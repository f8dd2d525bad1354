//! Fuzz target: Photoshop 8BIM resources and IPTC IIM datasets, embedded as a JPEG APP13 block.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| byline_media::fuzzing::photoshop_block(data));

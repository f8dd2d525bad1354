//! Fuzz target: XMP packet read and rewrite, embedded as a JPEG APP1 block.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| byline_media::fuzzing::xmp_packet(data));

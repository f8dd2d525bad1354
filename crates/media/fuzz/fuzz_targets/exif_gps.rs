//! Fuzz target: the EXIF IFD walker behind strip_gps, on arbitrary bytes as a JPEG's EXIF block.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| byline_media::fuzzing::exif_gps(data));

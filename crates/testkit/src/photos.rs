//! Photos made on the spot, for tests that need sizes or counts the model story's photos lack.

use std::path::Path;

/// A noisy 6 MP JPEG at `path` (no two runs of a codec can shrink it much): big enough that its
/// upload takes several chunks and can be cut half way. Returns its size.
pub fn big_photo(path: &Path) -> u64 {
    let mut x: u32 = 0x1234_5678;
    let img = image::RgbImage::from_fn(3000, 2000, |_, _| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        image::Rgb([x as u8, (x >> 8) as u8, (x >> 16) as u8])
    });
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("photo file"));
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut f, 92)
        .encode_image(&img)
        .expect("JPEG encodes");
    drop(f);
    std::fs::metadata(path).expect("photo written").len()
}

/// A camera-sized JPEG at `path`: a smooth scene (sky-to-ground gradient with soft diagonal
/// bands) with grain of amplitude `grain`, seeded by `seed` so no two photos share a SHA-256.
/// Grain sets the file size (a real photo's detail), while the scene keeps the 1600 px preview
/// small, as a real photo's is. Integer arithmetic only: this runs unoptimised in tests.
/// Returns its size.
pub fn camera_photo(path: &Path, width: u32, height: u32, grain: u8, seed: u32) -> u64 {
    let mut x: u32 = (0x9E37_79B9 ^ seed.wrapping_mul(0x85EB_CA6B)) | 1;
    let span = 2 * u32::from(grain) + 1;
    let mut img = image::RgbImage::new(width, height);
    for (py, row) in img.rows_mut().enumerate() {
        let py = py as u32;
        let sky = (py * 120 / height) as i32;
        for (px, p) in row.enumerate() {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let n = (x % span) as i32 - i32::from(grain);
            // Soft diagonal bands, 64 px wide, a triangle wave of ±24.
            let phase = ((px as u32 + py * 2 + seed * 97) % 128) as i32;
            let band = (phase - 64).abs() * 3 / 4 - 24;
            let v = |base: i32, k: i32| (base + k * sky / 10 + band + n).clamp(0, 255) as u8;
            *p = image::Rgb([v(90, 8), v(140, 3), v(210, -9)]);
        }
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("photo file"));
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut f, 90)
        .encode_image(&img)
        .expect("JPEG encodes");
    drop(f);
    std::fs::metadata(path).expect("photo written").len()
}

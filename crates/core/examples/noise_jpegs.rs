//! Writes N distinct noise JPEGs (default 30 × 2400×1650 at quality 92, about 8 MB each) for
//! `bench/publish.sh`. Noise does not compress, so the file size is predictable.
//!   cargo run --release -p byline-core --example noise_jpegs -- OUT_DIR [N] [WIDTH] [HEIGHT]
use std::io::BufWriter;

fn main() {
    let mut args = std::env::args().skip(1);
    let out =
        std::path::PathBuf::from(args.next().expect("usage: noise_jpegs OUT_DIR [N] [W] [H]"));
    let n: u64 = args.next().map_or(30, |s| s.parse().expect("N"));
    let w: u32 = args.next().map_or(2400, |s| s.parse().expect("WIDTH"));
    let h: u32 = args.next().map_or(1650, |s| s.parse().expect("HEIGHT"));
    std::fs::create_dir_all(&out).expect("creating OUT_DIR");
    for i in 0..n {
        // xorshift64*, one seed per file so every file (and its SHA-256) differs.
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15 ^ (i + 1).wrapping_mul(0xD134_2543_DE82_EF95);
        let img = image::RgbImage::from_fn(w, h, |_, _| {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            let v = s.wrapping_mul(0x2545_F491_4F6C_DD1D);
            image::Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8])
        });
        let path = out.join(format!("noise-{i:03}.jpg"));
        let f = std::fs::File::create(&path).expect("creating a JPEG");
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(BufWriter::new(f), 92);
        enc.encode_image(&img).expect("encoding");
        println!("{}", path.display());
    }
}

//! Bounded mutation testing of the hand-written parsers on stable Rust (cargo-fuzz needs
//! nightly; `scripts/fuzz.sh` runs the same targets under libFuzzer when it is available).

use byline_media::fuzzing;

use crate::common;

/// xorshift64*: deterministic, so a failure reproduces from the printed iteration number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(8) {
        match rng.below(5) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = rng.next() as u8;
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            2 => v.truncate(rng.below(v.len() + 1)),
            3 => {
                let i = rng.below(v.len() + 1);
                let interesting: [&[u8]; 6] = [
                    b"\xFF\xFF",
                    b"\x1C\x02\x78",
                    b"8BIM\x04\x04",
                    b"\x80\x04",
                    b"<rdf:li>",
                    b"\x7F\xFF\xFF\xFF",
                ];
                let ins = interesting[rng.below(interesting.len())];
                v.splice(i..i, ins.iter().copied());
            }
            _ if v.len() > 2 => {
                // Duplicate a slice: repeats segments, datasets, elements.
                let a = rng.below(v.len());
                let b = (a + rng.below(64)).min(v.len());
                let part = v[a..b].to_vec();
                let at = rng.below(v.len());
                v.splice(at..at, part);
            }
            _ => {}
        }
    }
    v
}

fn run(seeds: &[Vec<u8>], iterations: usize, target: fn(&[u8])) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..iterations {
        let seed = &seeds[i % seeds.len()];
        let input = mutate(&mut rng, seed);
        let r = std::panic::catch_unwind(|| target(&input));
        if r.is_err() {
            // Kept for turning into a regression test.
            let _ = std::fs::write(
                std::env::temp_dir().join("byline-media-fuzz-failure.bin"),
                &input,
            );
        }
        assert!(
            r.is_ok(),
            "iteration {i} panicked; input ({} bytes) starts {:02X?}",
            input.len(),
            &input[..input.len().min(64)]
        );
    }
}

/// The headers of a fixture (up to its first scan), which is where the parsers live.
fn header(name: &str) -> Vec<u8> {
    let b = common::read(name);
    let sos = b
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .unwrap_or(b.len());
    let mut h = b[..sos].to_vec();
    h.extend_from_slice(&[
        0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0, 0x12, 0xFF, 0xD9,
    ]);
    h
}

#[test]
fn mutated_jpeg_headers_never_panic_and_write_back_keeps_the_scan() {
    let seeds = vec![
        header("photoshop_iptc_caption.jpg"),
        header("landscape_1.jpg"),
        header("iptc_8bim_length_overflow.jpg"),
    ];
    run(&seeds, 10_000, fuzzing::whole_file);
}

#[test]
fn mutated_photoshop_resource_blocks_never_panic() {
    let mut iim = b"8BIM\x04\x04\0\0\0\0\0\x1e".to_vec();
    iim.extend_from_slice(
        b"\x1c\x01\x5a\x00\x03\x1b%G\x1c\x02\x78\x00\x05Ca\xcc\x81p\x1c\x02\x19\x00\x01k\x00",
    );
    let seeds = vec![
        iim,
        b"8BIM\x04\x25\0\0\0\0\0\x100123456789abcdef".to_vec(),
        Vec::new(),
    ];
    run(&seeds, 30_000, fuzzing::photoshop_block);
}

#[test]
fn mutated_xmp_packets_never_panic() {
    let xmp = br#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Hu&#7871;"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">C&amp;p</rdf:li></rdf:Alt></dc:description><dc:creator><rdf:Seq><rdf:li>A</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#;
    run(&[xmp.to_vec()], 30_000, fuzzing::xmp_packet);
}

#[test]
fn mutated_exif_blocks_never_panic_and_stripping_leaves_no_position() {
    let olympus = common::read("olympus_fe230_iptc_gps.jpg");
    let exif = common::segments(&olympus)
        .into_iter()
        .find_map(|(m, d)| (m == 0xE1).then(|| d.strip_prefix(b"Exif\0\0")).flatten())
        .expect("the fixture has an EXIF block")
        .to_vec();
    let landscape = common::read("landscape_1.jpg");
    let plain = common::segments(&landscape)
        .into_iter()
        .find_map(|(m, d)| (m == 0xE1).then(|| d.strip_prefix(b"Exif\0\0")).flatten())
        .expect("the fixture has an EXIF block")
        .to_vec();
    run(&[exif, plain], 5_000, fuzzing::exif_gps);
}

#[test]
fn mutated_png_webp_and_tiff_files_never_panic_and_stripping_leaves_no_position() {
    let tmp = tempfile::tempdir().unwrap();
    let mut seeds: Vec<Vec<u8>> = ["png", "webp", "tif"]
        .iter()
        .map(|ext| common::photo_with_gps(tmp.path(), ext, true))
        .collect();
    seeds.push(common::read("nikon_d1x_exif.webp"));
    seeds.push(common::read("png_photoshop_all_metadata.png"));
    run(&seeds, 3_000, fuzzing::container_gps);
}

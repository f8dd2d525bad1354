//! The embedded-preview fast path: used when a preview covers the size and shows the same
//! picture, never otherwise; the result matches the full decode.

use byline_media::{DecodePath, PreviewSource, RenditionOptions, make_renditions};

use crate::common::{self, decode, mean_abs_diff, psnr};

/// A thumbnail-only request, as the importer's grid makes.
fn thumb(previews: bool) -> RenditionOptions {
    RenditionOptions {
        long_edges: vec![320],
        embedded_previews: previews,
        ..Default::default()
    }
}

/// The stored (not oriented) pixels of `jpeg` resized to `w`×`h` and encoded at quality 90: a
/// preview like a camera writes one.
fn preview_of(jpeg: &[u8], w: u32, h: u32) -> Vec<u8> {
    let stored = image::load_from_memory(jpeg).unwrap().to_rgb8();
    let small = image::imageops::resize(&stored, w, h, image::imageops::FilterType::Lanczos3);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&small)
        .unwrap();
    out
}

fn with_mpf_preview(main: &[u8], preview: &[u8], offset_fudge: i64) -> Vec<u8> {
    common::with_mpf_image(main, preview, 0x01_0001, offset_fudge)
}

#[test]
fn a_big_enough_mpf_preview_makes_the_thumbnail_upright_and_close_to_the_full_decode() {
    // Orientation 6, stored 1200×1800: the preview is stored the same way and must be rotated.
    let main = common::read("landscape_6.jpg");
    let file = with_mpf_preview(&main, &preview_of(&main, 427, 640), 0);
    let fast = make_renditions(&file, "mpf.jpg", &thumb(true)).unwrap();
    assert_eq!(
        fast.decoded_with,
        DecodePath::EmbeddedPreview {
            source: PreviewSource::Mpf,
            width: 427,
            height: 640
        },
        "a 640 px preview covers a 320 px thumbnail"
    );
    let full = make_renditions(&file, "mpf.jpg", &thumb(false)).unwrap();
    assert!(
        matches!(full.decoded_with, DecodePath::Turbo { .. }),
        "with previews off the main image is decoded: {:?}",
        full.decoded_with
    );
    let (f, s) = (&fast.renditions[0], &full.renditions[0]);
    assert_eq!(
        (f.width, f.height),
        (s.width, s.height),
        "same displayed size from either path"
    );
    assert_eq!((f.width, f.height), (320, 213), "landscape once rotated");
    let db = psnr(&decode(&f.jpeg), &decode(&s.jpeg));
    assert!(
        db > 30.0,
        "the preview thumbnail must look like the full-decode one: PSNR {db:.1} dB"
    );
    // Upright: it matches the orientation-1 sample's thumbnail as the existing tests require.
    let upright = make_renditions(&common::read("landscape_1.jpg"), "l1", &thumb(false)).unwrap();
    let d = mean_abs_diff(&decode(&upright.renditions[0].jpeg), &decode(&f.jpeg));
    assert!(
        d < 6.0,
        "the preview got the main image's orientation (mean diff {d:.2})"
    );
}

#[test]
fn the_full_image_is_decoded_when_the_preview_is_too_small_or_another_shape() {
    let main = common::read("landscape_1.jpg");
    let small = with_mpf_preview(&main, &preview_of(&main, 240, 160), 0);
    let r = make_renditions(&small, "small.jpg", &thumb(true)).unwrap();
    assert!(
        matches!(r.decoded_with, DecodePath::Turbo { .. }),
        "a 240 px preview cannot make a 320 px thumbnail: {:?}",
        r.decoded_with
    );
    let both = make_renditions(
        &with_mpf_preview(&main, &preview_of(&main, 960, 640), 0),
        "both.jpg",
        &RenditionOptions::default(),
    )
    .unwrap();
    assert!(
        matches!(both.decoded_with, DecodePath::Turbo { .. }),
        "one decode serves 320 and 1600 px, and 960 px cannot: {:?}",
        both.decoded_with
    );
    // 400 px covers 320 but leaves the filter almost nothing to do (1.6× headroom wants 512),
    // so the preview's compression would show.
    let barely = with_mpf_preview(&main, &preview_of(&main, 400, 267), 0);
    let r = make_renditions(&barely, "barely.jpg", &thumb(true)).unwrap();
    assert!(
        matches!(r.decoded_with, DecodePath::Turbo { .. }),
        "a 400 px preview is below the headroom for 320 px: {:?}",
        r.decoded_with
    );
    let square = with_mpf_preview(&main, &preview_of(&main, 640, 640), 0);
    let r = make_renditions(&square, "square.jpg", &thumb(true)).unwrap();
    assert!(
        matches!(r.decoded_with, DecodePath::Turbo { .. }),
        "a square crop is not the 3:2 picture: {:?}",
        r.decoded_with
    );
    // Stored as a landscape preview for a landscape main image, but transposed: a rotation
    // nobody recorded, so unusable.
    let portrait = with_mpf_preview(&main, &preview_of(&main, 427, 640), 0);
    let r = make_renditions(&portrait, "portrait.jpg", &thumb(true)).unwrap();
    assert!(
        matches!(r.decoded_with, DecodePath::Turbo { .. }),
        "a transposed preview is not used: {:?}",
        r.decoded_with
    );
}

#[test]
fn bogus_preview_offsets_fall_back_to_the_full_image_without_panicking() {
    let main = common::read("landscape_1.jpg");
    let preview = preview_of(&main, 480, 320);
    for fudge in [-1, 1, -(main.len() as i64), 1 << 30, -(1 << 31)] {
        let file = with_mpf_preview(&main, &preview, fudge);
        let r = make_renditions(&file, "bogus.jpg", &thumb(true)).unwrap();
        assert!(
            matches!(r.decoded_with, DecodePath::Turbo { .. }),
            "offset off by {fudge}: no valid preview there, so the main image is decoded: {:?}",
            r.decoded_with
        );
    }
    // Cut off inside the preview: its EOI is missing.
    let mut cut = with_mpf_preview(&main, &preview, 0);
    cut.truncate(cut.len() - 100);
    let r = make_renditions(&cut, "cut.jpg", &thumb(true)).unwrap();
    assert!(
        matches!(r.decoded_with, DecodePath::Turbo { .. }),
        "a truncated preview is not used: {:?}",
        r.decoded_with
    );
}

#[test]
fn camera_previews_in_the_corpus_are_used_only_when_they_fit() {
    let Some(dir) = common::corpus("fullsize") else {
        return;
    };
    let read = |n: &str| std::fs::read(dir.join(n)).unwrap();
    // Nikon D90: a 570×375 maker-note preview for 4288×2848 (0.96 % aspect difference).
    let d90 = read("nikon_d90.jpg");
    let fast = make_renditions(&d90, "d90", &thumb(true)).unwrap();
    assert_eq!(
        fast.decoded_with,
        DecodePath::EmbeddedPreview {
            source: PreviewSource::NikonMakerNote,
            width: 570,
            height: 375
        },
        "the D90's maker-note preview covers 320 px"
    );
    let full = make_renditions(&d90, "d90", &thumb(false)).unwrap();
    let (f, s) = (&fast.renditions[0], &full.renditions[0]);
    assert_eq!(
        (f.width, f.height),
        (s.width, s.height),
        "same size either way"
    );
    let db = psnr(&decode(&f.jpeg), &decode(&s.jpeg));
    eprintln!("nikon_d90 320 px: preview vs full decode PSNR {db:.2} dB");
    assert!(
        db > 25.0,
        "the D90 preview thumbnail looks like the full decode: {db:.1} dB"
    );
    // Nikon D3100: 570×375 for 4608×3072 is 1.3 % off 3:2, a different crop.
    let r = make_renditions(&read("nikon_d3100.jpg"), "d3100", &thumb(true)).unwrap();
    assert!(
        matches!(r.decoded_with, DecodePath::Turbo { .. }),
        "the D3100's preview is another shape: {:?}",
        r.decoded_with
    );
    // Samsung S7: a 512×384 IFD1 thumbnail at quality ≈50, Oppo R7: 240×320. IFD1 thumbnails
    // are never used; these two cost 8.4 and 5.6 dB when they were.
    for name in [
        "samsung_galaxy_s7_edge.jpg",
        "oppo_r7_plus.jpg",
        "canon_eos_450d.jpg",
    ] {
        let r = make_renditions(&read(name), name, &thumb(true)).unwrap();
        assert!(
            matches!(r.decoded_with, DecodePath::Turbo { .. }),
            "{name}: its IFD1 thumbnail is not a preview to render from: {:?}",
            r.decoded_with
        );
    }
}

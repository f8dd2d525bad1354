//! Probing, renditions and orientation against real photos.

use byline_media::{DecodePath, Format, MediaError, RenditionOptions, make_renditions, probe};

use crate::common::{self, decode, mean_abs_diff};

#[test]
fn a_rotated_photo_probes_with_its_displayed_size() {
    let p = probe(&common::read("landscape_6.jpg"), "landscape_6.jpg").unwrap();
    assert_eq!(
        (p.width, p.height),
        (1200, 1800),
        "orientation-6 samples are stored transposed"
    );
    assert_eq!(p.orientation, 6);
    assert_eq!(
        (p.display_width, p.display_height),
        (1800, 1200),
        "displayed landscape once rotated"
    );
    let p = probe(&common::read("portrait_8.jpg"), "portrait_8.jpg").unwrap();
    assert_eq!(
        (p.display_width, p.display_height),
        (1200, 1800),
        "portrait displays portrait"
    );
}

#[test]
fn renditions_are_upright_and_sized_by_the_long_edge() {
    let opts = RenditionOptions::default();
    let upright = make_renditions(&common::read("landscape_1.jpg"), "l1", &opts).unwrap();
    let rotated = make_renditions(&common::read("landscape_6.jpg"), "l6", &opts).unwrap();
    for (a, b) in upright.renditions.iter().zip(&rotated.renditions) {
        assert_eq!(
            (b.width, b.height),
            (a.width, a.height),
            "same displayed size at {} px",
            a.long_edge
        );
        assert_eq!(
            a.width.max(a.height),
            a.long_edge.min(1800),
            "the long edge is the requested size"
        );
        let d = mean_abs_diff(&decode(&a.jpeg), &decode(&b.jpeg));
        assert!(
            d < 6.0,
            "orientation 6 rendered like orientation 1 (mean diff {d:.2} at {} px)",
            a.long_edge
        );
    }
    assert_eq!(rotated.renditions[0].width, 320);
    assert_eq!(rotated.renditions[1].width, 1600);
}

#[test]
fn every_orientation_sample_in_the_corpus_renders_the_same_picture() {
    let Some(dir) = common::corpus("orientation") else {
        return;
    };
    let opts = RenditionOptions {
        long_edges: vec![320],
        ..Default::default()
    };
    for kind in ["landscape", "portrait"] {
        let reference = make_renditions(
            &std::fs::read(dir.join(format!("{kind}_1.jpg"))).unwrap(),
            "ref",
            &opts,
        )
        .unwrap();
        let reference = decode(&reference.renditions[0].jpeg);
        for o in 0..=8 {
            let name = format!("{kind}_{o}.jpg");
            let r =
                make_renditions(&std::fs::read(dir.join(&name)).unwrap(), &name, &opts).unwrap();
            let want = if kind == "landscape" {
                (1800, 1200)
            } else {
                (1200, 1800)
            };
            assert_eq!(
                (r.probe.display_width, r.probe.display_height),
                want,
                "{name} displayed size"
            );
            let d = mean_abs_diff(&reference, &decode(&r.renditions[0].jpeg));
            assert!(
                d < 6.0,
                "{name} must look like {kind}_1 after orientation (mean diff {d:.2})"
            );
        }
    }
}

#[test]
fn jpegs_are_decoded_at_a_reduced_dct_scale_when_that_suffices() {
    let opts = RenditionOptions {
        long_edges: vec![320],
        ..Default::default()
    };
    let r = make_renditions(&common::read("landscape_1.jpg"), "l1", &opts).unwrap();
    assert_eq!(
        r.decoded_with,
        DecodePath::Turbo { num: 1, denom: 4 },
        "1/4 of 1800 = 450 ≥ 320 × 1.33 headroom = 426, while 1/8 = 225 is not"
    );
    let more = RenditionOptions {
        decode_headroom: 1.6,
        ..opts
    };
    let r = make_renditions(&common::read("landscape_1.jpg"), "l1", &more).unwrap();
    assert_eq!(
        r.decoded_with,
        DecodePath::Turbo { num: 3, denom: 8 },
        "with 1.6 headroom 512 px are needed: 3/8 = 675 covers it, 1/4 = 450 does not"
    );
}

#[test]
fn a_cmyk_jpeg_comes_out_in_natural_colours() {
    let bytes = common::read("cmyk_multi_icc.jpg");
    let r = make_renditions(
        &bytes,
        "cmyk",
        &RenditionOptions {
            long_edges: vec![320],
            ..Default::default()
        },
    )
    .unwrap();
    let ours = decode(&r.renditions[0].jpeg);
    // The pure-Rust decoder converts Adobe CMYK on its own; downscale it the same way to compare.
    let theirs = image::load_from_memory(&bytes).unwrap().to_rgb8();
    let theirs = image::imageops::resize(
        &theirs,
        ours.width(),
        ours.height(),
        image::imageops::FilterType::Triangle,
    );
    let d = mean_abs_diff(&ours, &theirs);
    assert!(
        d < 20.0,
        "CMYK must not come out inverted or wrong-channelled (mean diff {d:.2})"
    );
}

#[test]
fn png_and_webp_render_through_the_fallback_decoder() {
    for name in ["png_photoshop_all_metadata.png", "nikon_d1x_exif.webp"] {
        let r = make_renditions(&common::read(name), name, &RenditionOptions::default()).unwrap();
        assert_eq!(r.decoded_with, DecodePath::Fallback, "{name}");
        let img = decode(&r.renditions[0].jpeg);
        assert_eq!(
            (img.width(), img.height()),
            (r.renditions[0].width, r.renditions[0].height),
            "{name}"
        );
    }
}

#[test]
fn a_jpeg_without_eoi_still_renders_in_full() {
    let r = make_renditions(
        &common::read("no_eoi.jpg"),
        "no_eoi.jpg",
        &RenditionOptions::default(),
    )
    .unwrap();
    assert_eq!(
        r.renditions[1].width, 1600,
        "the whole image is there, only the end marker is missing"
    );
}

#[test]
fn damaged_files_fail_alone_with_a_named_error_or_degrade() {
    // Cut after ~400 bytes of scan: decoders would "succeed" with a grey frame.
    let err = make_renditions(
        &common::read("truncated_in_app1.jpg"),
        "cut.jpg",
        &RenditionOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, MediaError::Corrupt { .. }),
        "a file cut off almost at once is corrupt: {err}"
    );
    assert!(
        err.to_string().contains("cut.jpg"),
        "the message names the file: {err}"
    );
    // Half a scan: a partial picture, a thumbnail or a clean error are all acceptable; a panic is not.
    let _ = make_renditions(
        &common::read("truncated_50pct.jpg"),
        "half.jpg",
        &RenditionOptions::default(),
    );
}

#[test]
fn nothing_in_the_malformed_and_formats_corpus_panics() {
    for sub in ["malformed", "formats", "metadata"] {
        let Some(dir) = common::corpus(sub) else {
            return;
        };
        for path in common::files(&dir) {
            let bytes = std::fs::read(&path).unwrap();
            let what = path.display().to_string();
            let _ = probe(&bytes, &what);
            let _ = byline_media::read_metadata(&bytes, &what);
            match make_renditions(&bytes, &what, &RenditionOptions::default()) {
                Ok(r) => assert!(!r.renditions.is_empty(), "{what}"),
                Err(e) => assert!(e.to_string().contains(&what), "errors name the file: {e}"),
            }
        }
    }
}

#[test]
fn heic_is_reported_unsupported_but_still_probed() {
    let Some(dir) = common::corpus("formats") else {
        return;
    };
    let bytes = std::fs::read(dir.join("iphone_IMG_2927.heic")).unwrap();
    let p = probe(&bytes, "IMG_2927.heic").unwrap();
    assert_eq!(p.format, Format::Heif);
    assert!(
        p.width > 1000 && p.height > 1000,
        "the primary image size comes from ispe: {p:?}"
    );
    let err = make_renditions(&bytes, "IMG_2927.heic", &RenditionOptions::default()).unwrap_err();
    assert_eq!(err.code(), byline_protocol::ErrorCode::Unsupported);
    assert!(
        err.to_string().contains("convert to JPEG"),
        "tells the user what to do: {err}"
    );
}

#[test]
fn a_thumbnail_made_from_the_preview_looks_like_one_made_from_the_decoded_photo() {
    // The 320 px thumbnail is resized from the 1600 px preview when both are asked for; the
    // renditions still come back in the order asked, upright, and the picture is the same.
    let bytes = common::read("landscape_6.jpg");
    let both = RenditionOptions {
        long_edges: vec![320, 1600],
        ..Default::default()
    };
    let alone = RenditionOptions {
        long_edges: vec![320],
        ..Default::default()
    };
    let r = make_renditions(&bytes, "l6", &both).unwrap();
    let edges: Vec<_> = r.renditions.iter().map(|x| x.long_edge).collect();
    assert_eq!(
        edges,
        [320, 1600],
        "renditions come back in the order asked"
    );
    let single = make_renditions(&bytes, "l6", &alone).unwrap();
    let (a, b) = (
        decode(&r.renditions[0].jpeg),
        decode(&single.renditions[0].jpeg),
    );
    assert_eq!(
        a.dimensions(),
        (320, 213),
        "orientation 6: stored 1200x1800, the thumbnail is upright (landscape)"
    );
    // Two Q85 encodes, and the thumbnail alone decodes at 1/4 scale: ~37 dB is the same
    // picture; a wrong crop, shift or colour falls far below 30 dB.
    let db = common::psnr(&a, &b);
    assert!(
        db > 35.0,
        "thumbnail from the preview vs from the decode: {db:.2} dB, expected the same picture"
    );
}

//! Renditions: decode once (scaled in the DCT domain when the file is a JPEG), resize with SIMD,
//! apply EXIF orientation, encode small JPEGs.

use fast_image_resize as fir;
use serde::Serialize;
use turbojpeg::{Colorspace, Decompressor, PixelFormat, ScalingFactor};

use crate::error::MediaError;
use crate::jpeg;
use crate::preview::{self, PreviewSource};
use crate::probe::{DEFAULT_MAX_PIXELS, Probe, probe_with_limit};
use crate::sniff::Format;

/// What to make. Sizes are long edges in displayed pixels; images are never upscaled.
#[derive(Debug, Clone)]
pub struct RenditionOptions {
    pub long_edges: Vec<u32>,
    /// JPEG quality 1–100.
    pub quality: u8,
    pub max_pixels: u64,
    /// JPEGs are decoded at the smallest k/8 scale giving at least this many times the biggest
    /// requested edge. The DCT-domain downscale aliases more than a Lanczos filter, so leaving the
    /// filter some work matters: measured on the camera corpus (`bench/thumbs.sh`), 1.0 and 1.3
    /// lost up to 0.6 dB PSNR against vipsthumbnail at 1600 px on phones whose 4/8 scale is only
    /// 1.3× 1600 px; 1.33 matches vips (mean over the corpus) for 12 % less CPU than 1.6,
    /// mostly by decoding 24 MP frames at 4/8, whose IDCT libjpeg-turbo has in SIMD.
    pub decode_headroom: f32,
    /// Use an embedded JPEG preview (MPF large thumbnail, Nikon maker note) instead of the main
    /// image when it covers every requested size times `decode_headroom` and has the same aspect
    /// ratio. Camera previews are
    /// made from the same raw data, so at thumbnail sizes they look the same for far less work.
    pub embedded_previews: bool,
}

impl Default for RenditionOptions {
    fn default() -> Self {
        RenditionOptions {
            long_edges: vec![320, 1600],
            quality: 85,
            max_pixels: DEFAULT_MAX_PIXELS,
            decode_headroom: 1.33,
            embedded_previews: true,
        }
    }
}

/// Which decoder produced the pixels; the importer shows a warning for the last two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecodePath {
    /// libjpeg-turbo, decoding at `num/denom` of the stored size.
    Turbo { num: u8, denom: u8 },
    /// The pure-Rust decoder (`image` crate), after libjpeg-turbo refused the file or for non-JPEG.
    Fallback,
    /// The main image was unreadable; the small EXIF thumbnail was used instead.
    ExifThumbnail,
    /// A big-enough embedded preview of the same picture was decoded instead of the main image
    /// (the fast path, see [`RenditionOptions::embedded_previews`]); `width`×`height` is the
    /// preview's stored size.
    EmbeddedPreview {
        source: PreviewSource,
        width: u32,
        height: u32,
    },
}

#[derive(Clone)]
pub struct Rendition {
    /// The requested long edge.
    pub long_edge: u32,
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

// Printing the JPEG bytes would bury any test failure or log line.
impl std::fmt::Debug for Rendition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rendition")
            .field("long_edge", &self.long_edge)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("jpeg_bytes", &self.jpeg.len())
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct Renditions {
    pub probe: Probe,
    pub decoded_with: DecodePath,
    /// In the order of `RenditionOptions::long_edges`.
    pub renditions: Vec<Rendition>,
}

/// Packed 8-bit RGB in stored (not yet oriented) layout.
struct Rgb {
    w: u32,
    h: u32,
    /// At least `w × h × 3` bytes: a reused buffer ([`reused_buffer`]) may be longer.
    px: Vec<u8>,
}

impl Rgb {
    /// The image's own pixels, without a reused buffer's tail.
    fn pixels(&self) -> &[u8] {
        &self.px[..self.w as usize * self.h as usize * 3]
    }
}

/// Decodes `bytes` once and makes every requested rendition. `what` names the file in errors.
pub fn make_renditions(
    bytes: &[u8],
    what: &str,
    opts: &RenditionOptions,
) -> Result<Renditions, MediaError> {
    if opts.long_edges.is_empty() || opts.long_edges.contains(&0) {
        return Err(MediaError::field(
            "long_edges",
            "give at least one rendition size, each above 0 px",
        ));
    }
    let probe = probe_with_limit(bytes, what, opts.max_pixels)?;
    let stored_long = probe.width.max(probe.height);
    let biggest = opts.long_edges.iter().copied().max().unwrap_or(1);
    let headroom = f64::from(opts.decode_headroom.max(1.0));
    let (rgb, decoded_with) = match probe.format {
        Format::Jpeg => {
            let fast = opts
                .embedded_previews
                .then(|| {
                    let h = headroom.max(PREVIEW_HEADROOM);
                    decode_preview(bytes, &probe, biggest.min(stored_long), h)
                })
                .flatten();
            match fast {
                Some(r) => r,
                None => decode_jpeg(bytes, what, &probe, biggest, headroom)?,
            }
        }
        Format::Heif => {
            return Err(MediaError::Unsupported {
                what: what.to_owned(),
                format: "HEIC",
                hint: "convert to JPEG first (on iPhone: Settings → Camera → Formats → Most Compatible)",
            });
        }
        other => (
            decode_other(bytes, what, other, opts.max_pixels)?,
            DecodePath::Fallback,
        ),
    };
    // Biggest first, so a small rendition can be made from a bigger one (see `CASCADE`).
    let mut order: Vec<usize> = (0..opts.long_edges.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(opts.long_edges[i]));
    let mut made: Vec<Option<Rendition>> = vec![None; opts.long_edges.len()];
    let mut resizer = fir::Resizer::new();
    let mut bigger: Option<Rgb> = None;
    for i in order {
        // Target size from the stored dimensions so aspect ratio does not drift with DCT rounding.
        let edge = opts.long_edges[i].min(stored_long);
        let (tw, th) = fit(probe.width, probe.height, edge);
        let from = match &bigger {
            Some(b) if b.w.max(b.h) >= edge.saturating_mul(CASCADE) => b,
            _ => &rgb,
        };
        let small = resize(&mut resizer, from, tw, th, what)?;
        let oriented = orient_copy(&small, probe.orientation);
        let jpeg = encode(oriented.as_ref().unwrap_or(&small), opts.quality, what)?;
        let (width, height) = oriented.as_ref().map_or((small.w, small.h), |o| (o.w, o.h));
        made[i] = Some(Rendition {
            long_edge: edge,
            width,
            height,
            jpeg,
        });
        if let Some(o) = oriented {
            recycle(o.px);
        }
        if let Some(old) = bigger.replace(small) {
            recycle(old.px);
        }
    }
    recycle(rgb.px);
    if let Some(b) = bigger {
        recycle(b.px);
    }
    let renditions = made.into_iter().flatten().collect();
    Ok(Renditions {
        probe,
        decoded_with,
        renditions,
    })
}

/// An embedded preview is already a downscaled, compressed JPEG: it needs more room above the
/// rendition than the main image's DCT scaling does. Measured (`bench/thumbs.sh`, 320 px only):
/// with the decode's 1.33 the Nikon D90's smaller preview was picked and lost 2 dB; 1.6 keeps
/// the bigger one.
const PREVIEW_HEADROOM: f64 = 1.6;

/// A rendition at least this many times smaller than one already made is resized from that one
/// rather than from the decoded image: the 320 px thumbnail from the 1600 px preview costs a
/// fifth of the filter taps, and Lanczos on an image Lanczos already band-limited far above
/// the new cutoff gives the same picture (measured: PSNR within 0.05 dB, `bench/thumbs.sh`).
const CASCADE: u32 = 3;

fn fit(w: u32, h: u32, edge: u32) -> (u32, u32) {
    let long = w.max(h).max(1);
    let scale = |d: u32| {
        ((u64::from(d) * u64::from(edge) + u64::from(long) / 2) / u64::from(long)).max(1) as u32
    };
    (scale(w), scale(h))
}

fn decode_jpeg(
    bytes: &[u8],
    what: &str,
    probe: &Probe,
    biggest: u32,
    headroom: f64,
) -> Result<(Rgb, DecodePath), MediaError> {
    let turbo_err = match decode_turbo(bytes, probe.width.max(probe.height), biggest, headroom) {
        Ok(r) => return Ok(r),
        Err(e) => e,
    };
    // The fallback decoders happily return a grey picture for a file cut off after a few hundred
    // bytes; below ~1 byte per 500 pixels there is nothing worth showing.
    let scan_len = jpeg::layout(bytes).map_or(0, |l| l.scan_and_rest.len() as u64);
    let enough = scan_len * 500 >= u64::from(probe.width) * u64::from(probe.height);
    if enough && let Ok(rgb) = decode_other(bytes, what, Format::Jpeg, u64::MAX) {
        return Ok((rgb, DecodePath::Fallback));
    }
    if let Some(rgb) = exif_thumbnail(bytes) {
        return Ok((rgb, DecodePath::ExifThumbnail));
    }
    if !enough {
        return Err(MediaError::corrupt(
            what,
            "JPEG",
            format!(
                "only {scan_len} bytes of image data for {}x{} pixels, probably cut off while copying",
                probe.width, probe.height
            ),
        ));
    }
    Err(MediaError::corrupt(what, "JPEG", turbo_err))
}

/// The smallest k/8 scale whose output covers the biggest requested edge times `headroom`.
fn choose_scale(stored_long: u32, biggest: u32, headroom: f64) -> ScalingFactor {
    for k in 1..=8usize {
        // ScalingFactor::new reduces to lowest terms, the only form libjpeg-turbo accepts.
        let f = ScalingFactor::new(k, 8);
        if f.scale(stored_long as usize) as f64 >= f64::from(biggest) * headroom {
            return f;
        }
    }
    ScalingFactor::ONE
}

/// The fast path: an embedded preview that covers `long_edge`, decoded like a main image.
/// `None` (the caller decodes the main image) when there is none or it does not decode.
fn decode_preview(
    bytes: &[u8],
    probe: &Probe,
    long_edge: u32,
    headroom: f64,
) -> Option<(Rgb, DecodePath)> {
    let l = jpeg::layout(bytes).ok()?;
    let p = preview::pick(bytes, &l, probe.width, probe.height, long_edge, headroom)?;
    let (rgb, _) = decode_turbo(p.jpeg, p.width.max(p.height), long_edge, headroom).ok()?;
    Some((
        rgb,
        DecodePath::EmbeddedPreview {
            source: p.source,
            width: p.width,
            height: p.height,
        },
    ))
}

/// Decodes with libjpeg-turbo; `stored_long` is the long edge of `bytes`' own frame.
fn decode_turbo(
    bytes: &[u8],
    stored_long: u32,
    biggest: u32,
    headroom: f64,
) -> Result<(Rgb, DecodePath), String> {
    let mut d = Decompressor::new().map_err(|e| e.to_string())?;
    let header = d.read_header(bytes).map_err(|e| e.to_string())?;
    let factor = choose_scale(stored_long, biggest, headroom);
    d.set_scaling_factor(factor).map_err(|e| e.to_string())?;
    // Measured on the corpus (bench/thumbs.sh, PSNR against a full-size Lanczos3 reference):
    // with DCT scaling, libjpeg-turbo's plain chroma upsampling gives renditions at least as
    // close as its "fancy" one (4:2:2 frames decoded at 4/8 gain 0.01-0.03 dB at 1600 px, the
    // rest are unchanged) for about 1 % less CPU.
    d.set_fast_upsample(true).map_err(|e| e.to_string())?;
    let scaled = header.scaled(factor);
    let cmyk = matches!(header.colorspace, Colorspace::CMYK | Colorspace::YCCK);
    let format = if cmyk {
        PixelFormat::CMYK
    } else {
        PixelFormat::RGB
    };
    let bpp = format.size();
    let mut img = turbojpeg::Image {
        pixels: reused_buffer(scaled.width * scaled.height * bpp),
        width: scaled.width,
        pitch: scaled.width * bpp,
        height: scaled.height,
        format,
    };
    d.decompress(bytes, img.as_deref_mut())
        .map_err(|e| e.to_string())?;
    let px = if cmyk {
        let own = scaled.width * scaled.height * bpp;
        cmyk_to_rgb(&img.pixels[..own], adobe_inverted(bytes))
    } else {
        img.pixels
    };
    let path = DecodePath::Turbo {
        num: factor.num() as u8,
        denom: factor.denom() as u8,
    };
    Ok((
        Rgb {
            w: scaled.width as u32,
            h: scaled.height as u32,
            px,
        },
        path,
    ))
}

/// Buffers a worker keeps between files: the decoded frame, the preview and an oriented copy.
const SPARES: usize = 3;

thread_local! {
    /// Pixel buffers this worker finished with, for its next file ([`reused_buffer`]).
    static SPARE: std::cell::RefCell<Vec<Vec<u8>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A buffer of at least `len` bytes to overwrite, reusing one the worker finished with: a
/// card's frames decode to 10–40 MB each and a preview is 5 MB, and a fresh allocation of that
/// size is mapped, faulted in and zeroed page by page every time (measured: 6 % of an ingest's
/// CPU for the frames, 3 % more for the previews). Its old content is never read; the writer
/// (decoder, resizer, rotation) writes the first `len` bytes. It is not cut to `len`: cut, it
/// would be zeroed again up to the next, bigger frame's size (a card mixes cameras), so the
/// image it carries knows its own size ([`Rgb::pixels`]).
fn reused_buffer(len: usize) -> Vec<u8> {
    let mut v = SPARE.with_borrow_mut(|spares| {
        // The shortest that fits, else the longest (grown below).
        let fits = (0..spares.len())
            .filter(|&i| spares[i].len() >= len)
            .min_by_key(|&i| spares[i].len());
        let pick = fits.or_else(|| (0..spares.len()).max_by_key(|&i| spares[i].len()));
        pick.map(|i| spares.swap_remove(i)).unwrap_or_default()
    });
    if v.len() < len {
        v.resize(len, 0);
    }
    v
}

/// Hands a buffer back for the worker's next file ([`reused_buffer`]); a worker keeps at most
/// [`SPARES`], the biggest, so an idle one holds about one frame and one preview.
fn recycle(v: Vec<u8>) {
    if v.is_empty() {
        return;
    }
    SPARE.with_borrow_mut(|spares| {
        spares.push(v);
        if spares.len() > SPARES {
            let smallest = (0..spares.len()).min_by_key(|&i| spares[i].len());
            if let Some(i) = smallest {
                spares.swap_remove(i);
            }
        }
    });
}

/// Photoshop writes CMYK JPEGs with an Adobe APP14 marker and inverted ink values.
fn adobe_inverted(bytes: &[u8]) -> bool {
    jpeg::layout(bytes).is_ok_and(|l| {
        l.segments
            .iter()
            .any(|s| s.marker == 0xEE && s.data.starts_with(b"Adobe"))
    })
}

/// A naive (profile-less) CMYK→RGB conversion: good enough for a preview, not for print.
fn cmyk_to_rgb(cmyk: &[u8], inverted: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(cmyk.len() / 4 * 3);
    for p in cmyk.chunks_exact(4) {
        let (c, m, y, k) = if inverted {
            (
                u32::from(p[0]),
                u32::from(p[1]),
                u32::from(p[2]),
                u32::from(p[3]),
            )
        } else {
            (
                255 - u32::from(p[0]),
                255 - u32::from(p[1]),
                255 - u32::from(p[2]),
                255 - u32::from(p[3]),
            )
        };
        out.extend_from_slice(&[
            (c * k / 255) as u8,
            (m * k / 255) as u8,
            (y * k / 255) as u8,
        ]);
    }
    out
}

fn decode_other(
    bytes: &[u8],
    what: &str,
    format: Format,
    max_pixels: u64,
) -> Result<Rgb, MediaError> {
    let fmt = match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Png => image::ImageFormat::Png,
        Format::Webp => image::ImageFormat::WebP,
        Format::Tiff => image::ImageFormat::Tiff,
        Format::Heif => return Err(MediaError::corrupt(what, "HEIC", "no decoder")),
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), fmt);
    let mut limits = image::Limits::default();
    // Pixels × up to 8 bytes (16-bit RGBA) plus decoder scratch.
    limits.max_alloc = Some(max_pixels.saturating_mul(10).min(4 << 30));
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| MediaError::corrupt(what, format.name(), e.to_string()))?;
    let (w, h) = (img.width(), img.height());
    let px = if img.color().has_alpha() {
        // Flatten on white: transparent logos on a black background look broken in a photo list.
        let rgba = img.into_rgba8();
        let mut out = Vec::with_capacity(w as usize * h as usize * 3);
        for p in rgba.as_raw().chunks_exact(4) {
            let a = u32::from(p[3]);
            for c in &p[..3] {
                out.push(((u32::from(*c) * a + 255 * (255 - a) + 127) / 255) as u8);
            }
        }
        out
    } else {
        img.into_rgb8().into_raw()
    };
    Ok(Rgb { w, h, px })
}

/// The IFD1 JPEG thumbnail, decoded at full (tiny) size.
fn exif_thumbnail(bytes: &[u8]) -> Option<Rgb> {
    let l = jpeg::layout(bytes).ok()?;
    let tiff = jpeg::exif_payload(&l.segments)?;
    let exif = exif::Reader::new().read_raw(tiff.to_vec()).ok()?;
    let off = exif
        .get_field(exif::Tag::JPEGInterchangeFormat, exif::In::THUMBNAIL)?
        .value
        .get_uint(0)? as usize;
    let len = exif
        .get_field(exif::Tag::JPEGInterchangeFormatLength, exif::In::THUMBNAIL)?
        .value
        .get_uint(0)? as usize;
    let thumb = tiff.get(off..off.checked_add(len)?)?;
    let img = turbojpeg::decompress(thumb, PixelFormat::RGB).ok()?;
    Some(Rgb {
        w: img.width as u32,
        h: img.height as u32,
        px: img.pixels,
    })
}

fn resize(
    resizer: &mut fir::Resizer,
    src: &Rgb,
    tw: u32,
    th: u32,
    what: &str,
) -> Result<Rgb, MediaError> {
    let internal = |e: String| MediaError::Internal {
        what: what.to_owned(),
        stage: "resize",
        detail: e,
    };
    if src.w == tw && src.h == th {
        return Ok(Rgb {
            w: tw,
            h: th,
            px: src.pixels().to_vec(),
        });
    }
    let view = fir::images::ImageRef::new(src.w, src.h, src.pixels(), fir::PixelType::U8x3)
        .map_err(|e| internal(e.to_string()))?;
    let buf = reused_buffer(tw as usize * th as usize * 3);
    let mut dst = fir::images::Image::from_vec_u8(tw, th, buf, fir::PixelType::U8x3)
        .map_err(|e| internal(e.to_string()))?;
    let opts = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    resizer
        .resize(&view, &mut dst, &opts)
        .map_err(|e| internal(e.to_string()))?;
    Ok(Rgb {
        w: tw,
        h: th,
        px: dst.into_vec(),
    })
}

/// A rotated or mirrored copy of `src` per its EXIF orientation, so the rendition displays
/// upright without metadata; `None` when it already is.
fn orient_copy(src: &Rgb, orientation: u8) -> Option<Rgb> {
    if !(2..=8).contains(&orientation) {
        return None;
    }
    let (w, h) = (src.w as usize, src.h as usize);
    let (dw, dh) = if orientation >= 5 { (h, w) } else { (w, h) };
    let mut px = reused_buffer(w * h * 3);
    for y in 0..dh {
        for x in 0..dw {
            // Source coordinates of display pixel (x, y) for each EXIF orientation.
            let (sx, sy) = match orientation {
                2 => (w - 1 - x, y),
                3 => (w - 1 - x, h - 1 - y),
                4 => (x, h - 1 - y),
                5 => (y, x),
                6 => (y, h - 1 - x),
                7 => (w - 1 - y, h - 1 - x),
                _ => (w - 1 - y, x),
            };
            let s = (sy * w + sx) * 3;
            let d = (y * dw + x) * 3;
            px[d..d + 3].copy_from_slice(&src.px[s..s + 3]);
        }
    }
    Some(Rgb {
        w: dw as u32,
        h: dh as u32,
        px,
    })
}

fn encode(img: &Rgb, quality: u8, what: &str) -> Result<Vec<u8>, MediaError> {
    let internal = |e: turbojpeg::Error| MediaError::Internal {
        what: what.to_owned(),
        stage: "encode",
        detail: e.to_string(),
    };
    let mut c = turbojpeg::Compressor::new().map_err(internal)?;
    c.set_quality(i32::from(quality.clamp(1, 100)))
        .map_err(internal)?;
    c.set_subsamp(turbojpeg::Subsamp::Sub2x2)
        .map_err(internal)?;
    let view = turbojpeg::Image {
        pixels: img.pixels(),
        width: img.w as usize,
        pitch: img.w as usize * 3,
        height: img.h as usize,
        format: PixelFormat::RGB,
    };
    c.compress_to_vec(view).map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decode_scale_is_the_smallest_eighth_that_covers_the_biggest_rendition() {
        let f = choose_scale(4272, 1600, 1.0);
        assert_eq!(
            (f.num(), f.denom()),
            (3, 8),
            "3/8 of 4272 = 1602 ≥ 1600, 2/8 = 1068 is too small"
        );
        let f = choose_scale(4272, 1600, 1.6);
        assert_eq!(
            (f.num(), f.denom()),
            (5, 8),
            "with headroom 2560 is needed: 5/8 = 2670"
        );
        let f = choose_scale(1800, 1600, 1.0);
        assert_eq!(
            (f.num(), f.denom()),
            (1, 1),
            "7/8 of 1800 = 1575 < 1600, so decode at full size"
        );
        let f = choose_scale(4000, 320, 1.0);
        assert_eq!((f.num(), f.denom()), (1, 8), "1/8 of 4000 = 500 covers 320");
    }

    #[test]
    fn orientation_six_turns_the_top_row_into_the_right_column() {
        // 2x1 stored: red, green. Orientation 6 (rotate 90° CW) → 1x2: red on top, green below.
        let src = Rgb {
            w: 2,
            h: 1,
            px: vec![255, 0, 0, 0, 255, 0],
        };
        let out = orient_copy(&src, 6).expect("6 turns the image");
        assert_eq!((out.w, out.h), (1, 2));
        assert_eq!(
            out.pixels(),
            [255, 0, 0, 0, 255, 0],
            "left of the top row goes to the top of the right column"
        );
        let src = Rgb {
            w: 2,
            h: 1,
            px: vec![255, 0, 0, 0, 255, 0],
        };
        let out = orient_copy(&src, 8).expect("8 turns the image");
        assert_eq!(
            out.pixels(),
            [0, 255, 0, 255, 0, 0],
            "orientation 8 rotates the other way"
        );
    }

    /// A 4:2:2 JPEG of `w`×`h` whose pixels depend on `seed`.
    fn synthetic_jpeg(w: usize, h: usize, seed: u32) -> Vec<u8> {
        let mut x = 0x9E37_79B9u32 ^ seed;
        let px: Vec<u8> = (0..w * h * 3)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                // Smooth gradients plus a little noise, as a photo has.
                ((i % (w * 3)) as u32 / 12 + (i / (w * 3)) as u32 / 8 + (x & 15)) as u8
            })
            .collect();
        let mut c = turbojpeg::Compressor::new().unwrap();
        c.set_quality(90).unwrap();
        c.set_subsamp(turbojpeg::Subsamp::Sub2x1).unwrap();
        let img = turbojpeg::Image {
            pixels: &px[..],
            width: w,
            pitch: w * 3,
            height: h,
            format: PixelFormat::RGB,
        };
        c.compress_to_vec(img).unwrap()
    }

    #[test]
    fn a_worker_reusing_a_bigger_frame_s_buffers_makes_the_same_renditions_as_a_fresh_one() {
        let big = synthetic_jpeg(2600, 1800, 1);
        let small = synthetic_jpeg(1700, 1100, 2);
        let opts = RenditionOptions::default();
        let fresh = {
            let (small, opts) = (small.clone(), opts.clone());
            std::thread::spawn(move || make_renditions(&small, "small", &opts).unwrap())
                .join()
                .unwrap()
        };
        // This thread's spare buffers are now the big frame's, longer than the small one needs.
        make_renditions(&big, "big", &opts).unwrap();
        let reused = make_renditions(&small, "small", &opts).unwrap();
        assert_eq!(fresh.renditions.len(), reused.renditions.len());
        for (a, b) in fresh.renditions.iter().zip(&reused.renditions) {
            assert_eq!((a.width, a.height), (b.width, b.height));
            assert!(
                a.jpeg == b.jpeg,
                "the {} px rendition must not depend on what the buffers held before",
                a.long_edge
            );
        }
    }
}

//! Publishing to a real WordPress (Debian's package, started by `scripts/wordpress-dev.sh` on
//! 127.0.0.1) through the loopback fault proxy, which loses replies after WordPress acted: the
//! model story arrives as exactly one post and three media items with their captions and
//! credits, re-publishing updates the same post without uploading a photo again, and a hundred
//! publishes through the proxy leave no duplicate. These tests fail when WordPress, MariaDB or
//! PHP are missing (`bash scripts/deps.sh` installs them).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use byline_core::Library;
use byline_core::sync::Patience;
use byline_sync::Backoff;
use byline_testkit::proxy::{self, Fault, Proxy};
use byline_testkit::wordpress::WordPress;
use byline_testkit::{free_port, library, seed_article};

mod binaries;

/// Whether connection `n` loses its reply: a fixed pseudo-random `percent` of connections
/// (splitmix64 of `n`), so runs repeat, yet no request sequence lines up with a period.
fn loses(n: u64, percent: u64) -> bool {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) % 100 < percent
}

/// A WordPress behind a proxy that cuts `percent` % of the replies after WordPress answered
/// (while `faults` is on); WordPress calls itself by the proxy's address, so every request a publish
/// makes (media URLs and API links included) goes through it.
pub struct Faulty {
    pub wp: WordPress,
    pub proxy: Proxy,
    pub faults: Arc<AtomicBool>,
    pub cut: Arc<AtomicU64>,
}

pub fn faulty_wordpress(percent: u64) -> Faulty {
    let port = free_port();
    let faults = Arc::new(AtomicBool::new(true));
    let cut = Arc::new(AtomicU64::new(0));
    let (on, count) = (faults.clone(), cut.clone());
    let proxy = proxy::proxy(&format!("127.0.0.1:{port}"), move |n| {
        if on.load(Ordering::SeqCst) && loses(n, percent) {
            count.fetch_add(1, Ordering::SeqCst);
            Fault::CutResponse
        } else {
            Fault::Pass
        }
    });
    let wp = WordPress::start(port, Some(&proxy.url));
    Faulty {
        wp,
        proxy,
        faults,
        cut,
    }
}

/// Tries hard but briefly: a lost reply is retried at once (the retry is what is under test).
fn eager() -> Patience {
    Patience {
        attempts: 12,
        backoff: Backoff::new(Duration::from_millis(1), Duration::from_millis(20)),
    }
}

/// Publishes, calling again (bounded) when the patience ran out with the story still queued.
fn publish(lib: &Library, id: &str, to: &str) -> byline_core::destinations::DestinationReport {
    let mut last = None;
    for _ in 0..5 {
        match lib.publish_to(id, to, &eager()) {
            Ok(r) => return r,
            Err(e) => last = Some(e),
        }
    }
    panic!("five bounded publishes did not get the story through: {last:?}");
}

fn add_destination(lib: &Library, name: &str, f: &Faulty) {
    lib.add_destination(name, &f.proxy.url, &f.wp.user, &f.wp.app_password)
        .expect("the destination is added");
}

fn text(v: &serde_json::Value, field: &str) -> String {
    v[field]["raw"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn the_model_story_reaches_wordpress_through_a_reply_losing_proxy_as_one_post_and_three_photos() {
    // SAFETY of the test's environment: the application password goes to the 0600 file.
    let f = faulty_wordpress(30);
    let (_d, lib) = library();
    add_destination(&lib, "web", &f);
    let id = lib.import_article(&seed_article()).unwrap().article.id;

    let first = publish(&lib, &id, "web");
    assert!(
        f.cut.load(Ordering::SeqCst) >= 3,
        "replies were really lost after WordPress acted ({} cut)",
        f.cut.load(Ordering::SeqCst)
    );
    assert_eq!(first.uploaded_media + first.skipped_media, 3);

    let posts = f.wp.posts();
    assert_eq!(
        posts.len(),
        1,
        "exactly one post, whatever replies were lost"
    );
    let post = &posts[0];
    assert_eq!(post["id"].as_u64(), Some(first.post_id));
    assert_eq!(post["status"], "publish", "2024 is in the past: published");
    assert_eq!(
        post["date"], "2024-06-18T12:17:00",
        "the publish time in the site's zone (Asia/Ho_Chi_Minh, +07:00)"
    );
    assert_eq!(post["date_gmt"], "2024-06-18T05:17:00");
    let media = f.wp.media();
    assert_eq!(media.len(), 3, "exactly three media items");
    let mut captions: Vec<String> = media.iter().map(|m| text(m, "caption")).collect();
    captions.sort();
    assert_eq!(
        captions,
        [
            "Lãnh đạo LĐLĐ tỉnh phát biểu tại hội nghị. (Ảnh: Cảnh Toàn)",
            "Toàn cảnh hội nghị. (Ảnh: Cảnh Toàn)",
            "Đại diện đoàn công tác của Tổng Liên đoàn Việt Nam phát biểu tại hội nghị. (Ảnh: Cảnh Toàn)"
        ],
        "each media item carries its caption and the credit it inherits from the byline"
    );
    for m in &media {
        assert_eq!(text(m, "description"), "Ảnh: Cảnh Toàn", "the credit line");
        assert_eq!(
            m["media_details"]["image_meta"]["credit"], "Cảnh Toàn",
            "WordPress read the credit from the IPTC of the copy Byline uploaded"
        );
        assert!(!m["alt_text"].as_str().unwrap().is_empty(), "alt text set");
        assert!(
            m["slug"].as_str().unwrap().starts_with("byline-"),
            "named by content hash"
        );
    }
    assert!(
        media
            .iter()
            .any(|m| m["id"].as_u64() == post["featured_media"].as_u64()),
        "the first photo is the featured image"
    );
    let cats =
        f.wp.rest(&format!("wp/v2/categories/{}", post["categories"][0]), &[]);
    assert_eq!(cats["name"], "Trong tỉnh", "the section is the category");

    let page = f.wp.page(post["link"].as_str().unwrap());
    assert!(
        page.contains(
            "Hội nghị khảo sát, đánh giá kết quả 15 năm triển khai thực hiện Nghị quyết số 20"
        ),
        "the theme's page shows the title"
    );
    assert!(
        page.contains("Sáng 18/6, đoàn công tác của Tổng Liên đoàn Việt Nam"),
        "and the lead"
    );
    assert_eq!(
        page.matches("<figcaption").count(),
        3,
        "three photos with captions"
    );
    assert!(page.contains("Toàn cảnh hội nghị. <span class=\"credit\">(Ảnh: Cảnh Toàn)</span>"));
    let byline = page
        .split("class=\"has-text-align-right byline\"")
        .nth(1)
        .expect("the byline paragraph is on the page");
    assert!(
        byline.contains("Thanh Hà") && byline.contains("Cảnh Toàn"),
        "the byline names writer and photographer"
    );

    // An edit, then publish again: the same post changes; no photo goes up again.
    let mut a = lib.article(&id).unwrap();
    a.title = "Hội nghị khảo sát kết quả 15 năm thực hiện Nghị quyết số 20 (cập nhật)".into();
    lib.save_article(&mut a).unwrap();
    let again = publish(&lib, &id, "web");
    assert_eq!(again.post_id, first.post_id, "the same post is updated");
    assert_eq!(again.uploaded_media, 0, "no photo is uploaded again");
    assert_eq!(again.skipped_media, 3);
    let posts = f.wp.posts();
    assert_eq!(posts.len(), 1, "still one post");
    assert_eq!(
        text(&posts[0], "title"),
        "Hội nghị khảo sát kết quả 15 năm thực hiện Nghị quyết số 20 (cập nhật)"
    );
    assert_eq!(f.wp.media().len(), 3, "still three media items");
}

/// A small JPEG of its own for story `n`: distinct bytes, so each story uploads one photo.
fn photo(dir: &Path, n: u32) -> String {
    let name = format!("anh-{n}.jpg");
    let img = image::RgbImage::from_fn(320, 240, |x, y| {
        image::Rgb([(x + n * 7) as u8, (y * 2) as u8, (n * 37) as u8])
    });
    img.save(dir.join(&name)).expect("photo written");
    name
}

fn story(lib: &Library, dir: &Path, n: u32) -> String {
    let name = photo(dir, n);
    let md = format!(
        "---\nsection: Thể thao\npublished_at: 2024-06-18T12:17:00+07:00\nbyline:\n  - name: Thanh Hà\n    role: writer\n  - name: Cảnh Toàn\n    role: photographer\ntags: [bóng đá]\n---\n\n\
         # Tin thể thao số {n} trong loạt tin thử nghiệm xuất bản lên WordPress\n\n\
         Sáng 18/6, đội bóng của tỉnh đã có buổi tập đầu tiên chuẩn bị cho giải đấu mùa hè năm nay với nhiều cầu thủ trẻ.\n\n\
         ![Các cầu thủ khởi động trước buổi tập số {n}.]({name})\n\n\
         Huấn luyện viên cho biết đội sẽ tập trung vào thể lực trong hai tuần tới.\n"
    );
    let path = dir.join(format!("tin-{n}.md"));
    std::fs::write(&path, md).unwrap();
    lib.import_article(&path).unwrap().article.id
}

#[test]
fn a_hundred_publishes_through_a_reply_losing_proxy_leave_no_duplicate_post_or_media_item() {
    let f = faulty_wordpress(25);
    let (d, lib) = library();
    add_destination(&lib, "web", &f);
    let stories: Vec<String> = (1..=25).map(|n| story(&lib, d.path(), n)).collect();
    let mut post_ids = std::collections::HashMap::new();
    for round in 0..4 {
        for (n, id) in stories.iter().enumerate() {
            if round > 0 {
                let mut a = lib.article(id).unwrap();
                a.lead = format!("{} (bản {round})", a.lead.trim_end_matches(|c| c != '.'));
                lib.save_article(&mut a).unwrap();
            }
            let r = publish(&lib, id, "web");
            let first = *post_ids.entry(n).or_insert(r.post_id);
            assert_eq!(
                r.post_id, first,
                "story {n} keeps its post in round {round}"
            );
        }
    }
    assert!(
        f.cut.load(Ordering::SeqCst) >= 50,
        "many replies were lost after WordPress acted ({})",
        f.cut.load(Ordering::SeqCst)
    );
    f.faults.store(false, Ordering::SeqCst);
    let posts = f.wp.posts();
    assert_eq!(posts.len(), 25, "one post per story, after 100 publishes");
    let mut slugs: Vec<&str> = posts.iter().map(|p| p["slug"].as_str().unwrap()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), 25, "no two posts for one story");
    let media = f.wp.media();
    assert_eq!(media.len(), 25, "one media item per photo");
    for p in &posts {
        assert!(
            p["excerpt"]["raw"].as_str().unwrap().ends_with("(bản 3)"),
            "every post holds the last version: {}",
            p["excerpt"]["raw"]
        );
    }
}

#[test]
fn a_site_without_pretty_permalinks_is_found_by_its_link_header_and_published_to() {
    let wp = WordPress::start_with(free_port(), None, true);
    let (_d, lib) = library();
    lib.add_destination("plain", &wp.url, &wp.user, &wp.app_password)
        .unwrap();
    let id = lib.import_article(&seed_article()).unwrap().article.id;
    let r = lib.publish_to(&id, "plain", &eager()).unwrap();
    assert!(
        r.url.contains("?p="),
        "a plain-permalink site links posts as ?p=ID: {}",
        r.url
    );
    assert_eq!(r.uploaded_media, 3);
    let posts = wp.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["id"].as_u64(), Some(r.post_id));
}

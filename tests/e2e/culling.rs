//! The photographer's desk in the real window: culling with the keyboard in the loupe (rating,
//! label and tag then show on the grid's cells), a filter to the picks, two-up compare with zoom
//! and pan in step, and an ingest from a card folder with its progress and a verified backup.
//! At 100 % compare shows the originals' own pixels. Screenshots 20–26 in tests/screenshots/.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use byline_testkit::repo;
use fantoccini::Client;

use crate::window::{self, Res, find, shot, wait_for, wait_js, wait_js_within};

/// Copies of the model story's photos as a camera card would hold them (exiftool gives each a
/// camera and a capture time, so they are new files to the library).
fn card(dir: &Path) -> Res {
    let src = repo().join("fixtures/seed-article/photos");
    for (i, f) in ["dai-dien.jpg", "lanh-dao.jpg", "toan-canh.jpg"]
        .iter()
        .enumerate()
    {
        let dest = dir.join(format!("IMG_{:04}.JPG", i + 1));
        std::fs::copy(src.join(f), &dest)?;
        let out = Command::new("exiftool")
            .args(["-q", "-overwrite_original", "-EXIF:Model=Canon EOS 5D"])
            .arg(format!("-EXIF:DateTimeOriginal=2026:12:07 09:0{i}:00"))
            .arg(&dest)
            .output()
            .map_err(|e| format!("exiftool (scripts/deps.sh installs it): {e}"))?;
        assert!(out.status.success(), "exiftool wrote the card's photos");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn culling_in_the_loupe_filters_compare_and_a_card_ingest_in_the_real_window() {
    let _display = window::display_lock().await;
    tokio::time::timeout(Duration::from_secs(240), run())
        .await
        .expect("the culling E2E run took longer than 4 minutes")
        .unwrap();
}

async fn run() -> Res {
    let window::Setup {
        root,
        app,
        cli,
        shots,
    } = window::setup()?;
    let data = tempfile::tempdir()?;
    let media = root.join("crates/media/tests/data");
    let out = Command::new(&cli)
        .args(["photo", "import"])
        .args(["landscape_1.jpg", "landscape_6.jpg", "portrait_8.jpg"].map(|f| media.join(f)))
        .env("BYLINE_DATA_DIR", data.path())
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cards = tempfile::tempdir()?;
    let card_dir = cards.path().join("DCIM/100CANON");
    std::fs::create_dir_all(&card_dir)?;
    card(&card_dir)?;
    let backup = cards.path().join("backup");

    let out = Command::new(&cli)
        .args(["photo", "list", "--json"])
        .env("BYLINE_DATA_DIR", data.path())
        .output()?;
    let library: serde_json::Value = serde_json::from_slice(&out.stdout)?;

    let (_driver, c, _) = window::launch(&app, data.path()).await?;
    let result = scenario(&c, &shots, &card_dir, &backup, &library).await;
    if result.is_err() {
        let _ = shot(&c, &shots, "29-culling-failure.png").await;
    }
    let _ = c.close().await;
    result?;

    // What the window did is in the library, as the CLI reads it.
    let out = Command::new(&cli)
        .args(["photo", "list", "--json", "--tagged"])
        .env("BYLINE_DATA_DIR", data.path())
        .output()?;
    let picks: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(picks.as_array().map(Vec::len), Some(1), "one pick: {picks}");
    assert_eq!(picks[0]["rating"], 4, "{picks}");
    assert_eq!(picks[0]["label"], "red", "{picks}");
    let mut names: Vec<String> = std::fs::read_dir(&backup)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    assert_eq!(
        names,
        [
            "20261207_0001_IMG_0001.JPG",
            "20261207_0002_IMG_0002.JPG",
            "20261207_0003_IMG_0003.JPG"
        ],
        "the backup holds the card's photos named by the template"
    );
    for (i, n) in names.iter().enumerate() {
        assert!(
            std::fs::read(backup.join(n))?
                == std::fs::read(card_dir.join(format!("IMG_{:04}.JPG", i + 1)))?,
            "{n} is byte-identical to the card's file"
        );
    }
    println!("screenshots: {}", shots.display());
    Ok(())
}

/// The width of a photo's original file as a viewer shows it (its pixels, turned by its EXIF
/// orientation), read from the file itself, and the library's id of it.
fn original_width(library: &serde_json::Value, id: &str) -> Res<u32> {
    let photo = library
        .as_array()
        .and_then(|a| a.iter().find(|p| p["id"] == id))
        .ok_or_else(|| format!("photo {id} not in `byline photo list`: {library}"))?;
    let file = photo["original"]
        .as_str()
        .ok_or("photo list: no original")?;
    let (w, h) = image::image_dimensions(file)?;
    // Orientations 5–8 turn the picture a quarter: its width on screen is the stored height.
    Ok(if photo["orientation"].as_u64().unwrap_or(1) >= 5 {
        h
    } else {
        w
    })
}

async fn scenario(
    c: &Client,
    shots: &Path,
    card: &Path,
    backup: &Path,
    library: &serde_json::Value,
) -> Res {
    wait_for(c, "[data-nav=photos]").await?.click().await?;
    wait_js(
        c,
        "three photos",
        "document.querySelectorAll('#photo-grid .cell').length === 3",
    )
    .await?;
    wait_js(c, "three thumbnails", "[...document.querySelectorAll('#photo-grid .cell img')].filter(i => i.complete && i.naturalWidth > 0).length === 3").await?;

    // 1. The loupe: L opens it on the photo under the cursor; 4 stars, 6 = red, T = tag.
    find(c, ".cell[data-index='0']").await?.click().await?;
    find(c, "#photo-grid").await?.send_keys("l").await?;
    let loupe = wait_for(c, "#loupe").await?;
    let first = loupe.attr("data-id").await?.unwrap_or_default();
    loupe.send_keys("46t").await?;
    wait_js(c, "the first photo marked", "(() => { const m = document.querySelector('#loupe-marks'); return m && m.dataset.rating === '4' && m.dataset.label === 'red' && m.dataset.tagged === 'true'; })()").await?;
    wait_js(c, "the loupe's photo painted", "(() => { const i = document.querySelector('#loupe .loupe-img'); return i && i.complete && i.naturalWidth > 0; })()").await?;
    shot(c, shots, "20-loupe-marked.png").await?;
    // → the next photo (its preview was decoded ahead), 2 stars and green; X rejects the third.
    loupe.send_keys("\u{e014}").await?;
    wait_js(c, "the next photo", &format!("document.querySelector('#loupe').dataset.index === '1' && document.querySelector('#loupe').dataset.id !== '{first}'")).await?;
    wait_js(c, "its preview already decoded", "(() => { const i = document.querySelector('#loupe .loupe-img'); return i && i.complete && i.naturalWidth > 0; })()").await?;
    loupe.send_keys("28").await?;
    wait_js(c, "the second photo marked", "(() => { const m = document.querySelector('#loupe-marks'); return m.dataset.rating === '2' && m.dataset.label === 'green'; })()").await?;
    loupe.send_keys("\u{e014}x").await?;
    wait_js(
        c,
        "the third photo rejected",
        "document.querySelector('#loupe-marks').dataset.rejected === 'true'",
    )
    .await?;
    loupe.send_keys(" ").await?; // Space: back to the grid
    wait_js(c, "the grid again", "!document.querySelector('#loupe')").await?;
    wait_js(c, "marks on the cells", &format!("(() => {{ const a = document.querySelector('.cell[data-id=\"{first}\"]'); const r = document.querySelectorAll('.cell[data-rejected=\"true\"]'); return a && a.dataset.rating === '4' && a.dataset.label === 'red' && a.dataset.tagged === 'true' && a.querySelector('.label-dot.label-red') && a.querySelector('.tag-mark') && document.querySelector('.cell[data-label=\"green\"][data-rating=\"2\"]') && r.length === 1; }})()")).await?;
    shot(c, shots, "21-grid-with-marks.png").await?;

    // 2. A filter to the picks: one photo, the count follows.
    find(c, "#filter-picks").await?.click().await?;
    wait_js(c, "only the pick", &format!("document.querySelectorAll('#photo-grid .cell').length === 1 && document.querySelector('#photo-count').textContent === '1' && document.querySelector('.cell').dataset.id === '{first}'")).await?;
    shot(c, shots, "22-filter-picks.png").await?;
    find(c, "#filter-picks").await?.click().await?;
    wait_js(c, "every photo again", "document.querySelectorAll('#photo-grid .cell').length === 3 && document.querySelector('#photo-count').textContent === '3'").await?;

    // 3. Two-up compare: select two, zoom to 100 %, drag one pane: both pan together.
    find(c, ".cell[data-index='0']").await?.click().await?;
    c.execute(
        "document.querySelector(\".cell[data-index='1']\").dispatchEvent(new MouseEvent('click', {bubbles: true, ctrlKey: true}));",
        vec![],
    )
    .await?;
    wait_js(c, "two selected", "document.querySelectorAll('.cell.selected').length === 2 && !document.querySelector('#compare-btn').disabled").await?;
    find(c, "#compare-btn").await?.click().await?;
    wait_for(c, "#compare").await?;
    wait_js(c, "both previews painted", "[...document.querySelectorAll('#compare img')].every(i => i.complete && i.naturalWidth > 0)").await?;
    let fit_widths = c
        .execute(
            "return [...document.querySelectorAll('#compare img')].map(i => i.naturalWidth);",
            vec![],
        )
        .await?;
    find(c, "#compare-zoom").await?.click().await?;
    wait_js(c, "100 %", "document.querySelector('#compare').dataset.zoom === '100' && document.querySelector('#compare-0').scrollWidth > document.querySelector('#compare-0').clientWidth").await?;
    // At 100 % the panes show the originals' own pixels, not the 1600 px previews upscaled.
    wait_js(c, "both originals painted", "document.querySelector('#compare').dataset.full === 'original' && [...document.querySelectorAll('#compare img')].every(i => i.dataset.full === 'original' && i.complete && i.naturalWidth > 0)").await?;
    for i in 0..2 {
        let pane = find(c, &format!("#compare-{i}")).await?;
        let id = pane.attr("data-id").await?.unwrap_or_default();
        let natural = c
            .execute(
                &format!("const i = document.querySelector('#compare-{i} img'); return [i.naturalWidth, i.getBoundingClientRect().width, i.getAttribute('src')];"),
                vec![],
            )
            .await?;
        let want = original_width(library, &id)?;
        assert_eq!(
            natural[0].as_u64(),
            Some(u64::from(want)),
            "pane {i} at 100 % shows the original ({want} px wide), not the preview ({fit_widths} at fit): {natural}"
        );
        assert!(
            fit_widths[i].as_u64().is_some_and(|f| f < u64::from(want)),
            "the test's photos are larger than their 1600 px previews, so the two cannot be confused: {want} vs {fit_widths}"
        );
        assert_eq!(
            natural[1].as_f64().map(f64::round),
            Some(f64::from(want)),
            "pane {i} draws the original one image pixel per CSS pixel: {natural}"
        );
    }
    shot(c, shots, "26-compare-original-100.png").await?;
    c.execute(
        r#"const p = document.querySelector('#compare-0'); const r = p.getBoundingClientRect();
           const at = (type, x, y) => p.dispatchEvent(new PointerEvent(type, {bubbles: true, pointerId: 7, clientX: x, clientY: y}));
           const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
           at('pointerdown', cx, cy); at('pointermove', cx - 150, cy - 80); at('pointerup', cx - 150, cy - 80);"#,
        vec![],
    )
    .await?;
    let panned = c
        .execute(
            "const f = (p) => [p.scrollLeft / (p.scrollWidth - p.clientWidth), p.scrollTop / Math.max(1, p.scrollHeight - p.clientHeight)]; return [f(document.querySelector('#compare-0')), f(document.querySelector('#compare-1'))];",
            vec![],
        )
        .await?;
    let (a, b) = (&panned[0], &panned[1]);
    let x = |v: &serde_json::Value, i: usize| v[i].as_f64().unwrap_or(-1.0);
    assert!(
        (x(a, 0) - x(b, 0)).abs() < 0.02 && (x(a, 1) - x(b, 1)).abs() < 0.02,
        "both panes show the same point: {panned}"
    );
    assert!(
        x(a, 0) > 0.55,
        "the drag moved the view right of centre: {panned}"
    );
    // Panned away from the top-left corner, each photo's name is still inside its pane.
    let labels = c
        .execute(
            "return [0, 1].map(i => { const p = document.querySelector('#compare-' + i).getBoundingClientRect(); \
             const l = document.querySelector('#compare-' + i).parentElement.querySelector('.compare-label').getBoundingClientRect(); \
             return l.left >= p.left && l.right <= p.right && l.top >= p.top && l.bottom <= p.bottom; });",
            vec![],
        )
        .await?;
    assert_eq!(
        labels,
        serde_json::json!([true, true]),
        "the name labels stay in view while the panes are panned at 100 %"
    );
    shot(c, shots, "23-compare-100.png").await?;
    find(c, "#compare-close").await?.click().await?;
    wait_js(c, "compare closed", "!document.querySelector('#compare')").await?;

    // 4. Ingest a card into the library and a backup, with progress.
    let before = c
        .execute(
            "return [...document.querySelectorAll('#photo-grid .cell')].map(e => e.dataset.id);",
            vec![],
        )
        .await?;
    find(c, "#ingest-btn").await?.click().await?;
    wait_for(c, "#ingest-dialog").await?;
    find(c, "#ingest-source")
        .await?
        .send_keys(&card.to_string_lossy())
        .await?;
    find(c, "#ingest-backup")
        .await?
        .send_keys(&backup.to_string_lossy())
        .await?;
    find(c, "#ingest-rename")
        .await?
        .send_keys("{date}_{seq}_{original}")
        .await?;
    shot(c, shots, "24-ingest-dialog.png").await?;
    find(c, "#ingest-start").await?.click().await?;
    wait_for(c, "#ingest-progress").await?;
    // A card's decoding shares the machine with whatever else runs (CI builds and tests beside
    // it): the end is awaited patiently; this checks that it ends, not how fast.
    wait_js_within(
        c,
        "the ingest's end",
        "document.querySelector('#ingest-progress')?.dataset.stage === 'done'",
        Duration::from_secs(90),
    )
    .await?;
    wait_js(c, "six photos in the grid", "document.querySelectorAll('#photo-grid .cell').length === 6 && document.querySelector('#photo-count').textContent === '6'").await?;
    shot(c, shots, "25-ingest-done.png").await?;
    let text = find(c, "#ingest-progress").await?.text().await?;
    assert!(
        text.contains('3'),
        "the progress box reports the ingest: {text}"
    );

    // 5. An ingested photo in the loupe: the ingest made only its thumbnail; its preview is made
    //    when the loupe asks for it (or by the pass that follows the ingest) and painted.
    let index = c
        .execute(
            "const before = arguments[0]; \
             const cell = [...document.querySelectorAll('#photo-grid .cell')].find(e => !before.includes(e.dataset.id)); \
             return cell ? cell.dataset.index : null;",
            vec![before],
        )
        .await?;
    let index = index
        .as_str()
        .expect("an ingested photo is in the grid")
        .to_owned();
    find(c, &format!(".cell[data-index='{index}']"))
        .await?
        .click()
        .await?;
    find(c, "#photo-grid").await?.send_keys("l").await?;
    wait_for(c, "#loupe").await?;
    wait_js_within(c, "the ingested photo's preview painted in the loupe", &format!("(() => {{ const l = document.querySelector('#loupe'); const i = l && l.querySelector('.loupe-img'); return l.dataset.index === '{index}' && i.complete && i.naturalWidth > 320; }})()"), Duration::from_secs(30)).await?;
    shot(c, shots, "27-ingested-in-loupe.png").await?;
    Ok(())
}

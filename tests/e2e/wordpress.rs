//! A WordPress site in the real window: added in Settings (name, address, user, application
//! password), then the model story sent to it from the Publish panel. The engine sends it in the
//! background; the panel shows it published with a link, and the post is read back from the
//! real WordPress (`scripts/wordpress-dev.sh`). Screenshots 30 (Settings) and 31 (Publish).

use std::path::Path;
use std::time::Duration;

use byline_testkit::free_port;
use byline_testkit::wordpress::WordPress;
use fantoccini::Client;

use crate::window::{self, Res, find, shot, wait_for, wait_js};

pub async fn wordpress_destination_in_the_window() -> Res {
    let setup = window::setup()?;
    let (app, shots) = (&setup.app, &setup.shots);
    let wp = WordPress::start(free_port(), None);
    let data = tempfile::tempdir()?;
    let id = window::import_model_story(&setup, data.path())?;

    let (_driver, c, _spawned) = window::launch(app, data.path()).await?;
    let result = steps(&c, shots, &wp, &id).await;
    if result.is_err() {
        let _ = shot(&c, shots, "failure-wordpress.png").await;
    }
    let _ = c.close().await;
    result?;
    // The harness reads WordPress on a runtime of its own: off this async test's worker.
    let (posts, media) = tokio::task::block_in_place(|| (wp.posts(), wp.media()));
    assert_eq!(posts.len(), 1, "the post exists on WordPress, once");
    assert!(
        posts[0]["title"]["raw"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Hội nghị khảo sát"),
        "it is the model story: {}",
        posts[0]["title"]
    );
    assert_eq!(media.len(), 3, "with its three photos");
    Ok(())
}

async fn steps(c: &Client, shots: &Path, wp: &WordPress, id: &str) -> Res {
    find(c, "[data-nav=settings]").await?.click().await?;
    wait_for(c, "#destinations-form").await?;
    find(c, "#dest-name").await?.send_keys("web").await?;
    find(c, "#dest-url").await?.send_keys(&wp.url).await?;
    find(c, "#dest-user").await?.send_keys(&wp.user).await?;
    find(c, "#dest-password")
        .await?
        .send_keys(&wp.app_password)
        .await?;
    find(c, "#add-destination").await?.click().await?;
    wait_js(
        c,
        "the site listed in Settings",
        "document.querySelector('#destinations [data-name=\"web\"]') !== null",
    )
    .await?;
    find(c, "#destinations-form").await?;
    c.execute(
        "document.querySelector('#destinations-form').scrollIntoView()",
        vec![],
    )
    .await?;
    shot(c, shots, "30-wordpress-destination-settings.png").await?;

    find(c, "[data-nav=publish]").await?.click().await?;
    let pick = wait_for(c, "#publish-story").await?;
    pick.select_by_value(id).await?;
    wait_for(c, "#send-to-sites input[data-site=\"web\"]")
        .await?
        .click()
        .await?;
    find(c, "#publish-to-sites").await?.click().await?;
    // The engine sends in the background; the panel follows its events.
    let published =
        "document.querySelector('#story-sites [data-site=\"web\"]')?.dataset.state === 'published'";
    let mut waited = Duration::ZERO;
    while waited < Duration::from_secs(60) {
        if c.execute(&format!("return {published};"), vec![]).await?
            == serde_json::Value::Bool(true)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        waited += Duration::from_millis(250);
    }
    wait_js(c, "the story published on the site", published).await?;
    shot(c, shots, "31-wordpress-published-from-panel.png").await?;
    Ok(())
}

//! `byline destination add/list/remove` and `byline publish ID --to NAME`: WordPress sites.

use byline_core::sync::Patience;
use byline_core::{Library, Result};

use crate::output::Out;

/// `byline destination …`.
#[derive(clap::Subcommand)]
pub enum DestinationCmd {
    /// Add a WordPress site (adding a name again replaces its address, user and password).
    Add {
        name: String,
        /// The site's address, e.g. https://baonghean.vn (http or https).
        #[arg(long, value_name = "URL")]
        wordpress: String,
        /// The WordPress login the application password belongs to.
        #[arg(long)]
        user: String,
        /// An application password (WordPress: Users → Profile → Application Passwords); kept
        /// in the OS keychain, or a 0600 file where there is none.
        #[arg(long, env = "BYLINE_APP_PASSWORD", hide_env_values = true)]
        app_password: String,
    },
    /// The destinations of this library.
    List,
    /// Forget a destination (its password and what is still queued for it; the site keeps its posts).
    Remove { name: String },
}

pub fn run(lib: &Library, cmd: DestinationCmd, out: &Out) -> Result<()> {
    match cmd {
        DestinationCmd::Add {
            name,
            wordpress,
            user,
            app_password,
        } => {
            let d = lib.add_destination(&name, &wordpress, &user, &app_password)?;
            out.print(&d, |d| {
                println!(
                    "added {} ({} as {}); password kept in the {}",
                    d.name,
                    d.url,
                    d.user,
                    match d.password_store {
                        Some(byline_core::credentials::Store::Keychain) => "OS keychain",
                        _ => "library folder (0600 file: no keychain here)",
                    }
                );
            });
        }
        DestinationCmd::List => {
            let list = lib.destinations()?;
            out.print(&list, |list| {
                if list.is_empty() {
                    println!(
                        "no destinations; add one with `byline destination add NAME --wordpress URL --user USER --app-password PASSWORD`"
                    );
                }
                for d in list {
                    println!("{}\t{}\t{}\t{}", d.name, d.kind.as_str(), d.url, d.user);
                }
            });
        }
        DestinationCmd::Remove { name } => {
            lib.remove_destination(&name)?;
            out.print(&serde_json::json!({ "removed": name }), |_| {
                println!("removed {name}");
            });
        }
    }
    Ok(())
}

/// `byline publish ID --to NAME`.
pub fn publish(lib: &Library, id: &str, to: &str, out: &Out) -> Result<()> {
    let report = lib.publish_to(id, to, &Patience::default())?;
    out.print(&report, |r| {
        println!(
            "published to {}: post {} at {} ({} photos uploaded, {} already there)",
            r.destination, r.post_id, r.url, r.uploaded_media, r.skipped_media
        );
    });
    Ok(())
}

//! Byline's desktop shell: the Tauri window, its menu, plugins and the `byline://` scheme.
//! Every command is one line into [`host`], which holds the bodies and their tests.

// Tauri commands take their arguments (State, String, …) by value: that is the macro's contract.
#![allow(clippy::needless_pass_by_value)]

pub mod bindings;
pub mod host;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use byline_core::conflicts::{Choice, ConflictView};
use byline_core::editorial::UnpublishReport;
use byline_core::events::Event;
use byline_core::ingest::IngestReport;
use byline_core::marks::MarkEdit;
use byline_core::photo_query::PhotoQuery;
use byline_core::photodesk::{ImportReport, PhotoView, Progress};
use byline_core::publishing::{OutboxEntry, StoryState};
use byline_core::settings::LibrarySettings;
use byline_core::{ArticleSummary, Library, RevisionInfo, SearchHit, desk::FixReport};
use byline_desk::Finding;
use byline_protocol::diff::ArticleDiff;
use byline_protocol::sync::{Me, VersionList};
use byline_protocol::{Article, Person, Status};
use host::{CaptionEdit, IngestRequest, PublishProgress, Res, Settings};
use tauri::ipc::Channel;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{Emitter, Manager, State};

/// The open library: a cloneable `Send + Sync` handle (one writer, pooled readers), managed by
/// Tauri as it is. Commands never wait for each other except for SQLite's one writer, and no
/// command waits on the network: the sync engine does that on a thread of its own.
pub struct Lib(pub Library);

/// The running sync engine, kept for the app's lifetime (dropping it stops it).
pub struct SyncEngine(pub Mutex<Option<byline_core::engine::Engine>>);

/// The engine's last `connection` event, kept by the forwarding thread: a window that loads after
/// the engine spoke (or reloads) asks once with `sync_status` instead of waiting for a change.
#[derive(Default)]
pub struct LastConnection(pub Arc<Mutex<Option<Event>>>);

/// The cancel flag of the running photo import.
#[derive(Default)]
pub struct ImportCancel(pub Arc<AtomicBool>);

/// The background maker of the previews an ingest leaves for later.
#[derive(Default)]
pub struct PreviewPass(pub Arc<byline_core::previews::Background>);

#[tauri::command(async)]
fn list_stories(lib: State<'_, Lib>, status: Option<Status>) -> Res<Vec<ArticleSummary>> {
    host::list_stories(&lib.0, status)
}
#[tauri::command(async)]
fn search_stories(lib: State<'_, Lib>, query: String) -> Res<Vec<SearchHit>> {
    host::search_stories(&lib.0, &query)
}
#[tauri::command(async)]
fn create_story(lib: State<'_, Lib>, title: String) -> Res<Article> {
    host::create_story(&lib.0, &title)
}
#[tauri::command(async)]
fn get_story(lib: State<'_, Lib>, id: String) -> Res<Article> {
    host::story(&lib.0, &id)
}
#[tauri::command(async)]
fn save_story(lib: State<'_, Lib>, article: Article) -> Res<Article> {
    host::save_story(&lib.0, article)
}
#[tauri::command(async)]
fn merge_story(lib: State<'_, Lib>, article: Article) -> Res<byline_core::stories::MergedEdit> {
    host::merge_story(&lib.0, article)
}
#[tauri::command(async)]
fn trash_story(lib: State<'_, Lib>, id: String) -> Res<()> {
    host::trash_story(&lib.0, &id)
}
#[tauri::command(async)]
fn list_revisions(lib: State<'_, Lib>, id: String) -> Res<Vec<RevisionInfo>> {
    host::revisions(&lib.0, &id)
}
#[tauri::command(async)]
fn get_revision(lib: State<'_, Lib>, id: String, revision: u64) -> Res<Article> {
    host::story_revision(&lib.0, &id, revision)
}
#[tauri::command(async)]
fn restore_revision(lib: State<'_, Lib>, id: String, revision: u64) -> Res<Article> {
    host::restore_revision(&lib.0, &id, revision)
}
#[tauri::command(async)]
fn check_story(lib: State<'_, Lib>, id: String) -> Res<Vec<Finding>> {
    host::check_story(&lib.0, &id)
}
#[tauri::command(async)]
fn fix_story(lib: State<'_, Lib>, id: String) -> Res<FixReport> {
    host::fix_story(&lib.0, &id)
}
#[tauri::command]
fn clean_paste(text: String) -> String {
    host::clean_paste(&text)
}
#[tauri::command(async)]
fn add_word(lib: State<'_, Lib>, word: String) -> Res<host::AddedWord> {
    host::add_word(&lib.0, &word)
}
#[tauri::command(async)]
fn list_words(lib: State<'_, Lib>) -> Res<Vec<String>> {
    host::words(&lib.0)
}
#[tauri::command(async)]
fn list_photos(lib: State<'_, Lib>) -> Res<Vec<PhotoView>> {
    host::photos(&lib.0)
}
#[tauri::command(async)]
fn caption_photos(lib: State<'_, Lib>, ids: Vec<String>, edit: CaptionEdit) -> Res<Vec<PhotoView>> {
    host::caption_photos(&lib.0, &ids, edit)
}
#[tauri::command(async)]
fn attach_photo(lib: State<'_, Lib>, article_id: String, photo_id: String) -> Res<Article> {
    host::attach_photo(&lib.0, &article_id, &photo_id)
}
/// Runs on the async runtime's worker, never the main thread; progress streams over `on_progress`.
#[tauri::command(async)]
fn import_photos(
    lib: State<'_, Lib>,
    cancel: State<'_, ImportCancel>,
    paths: Vec<PathBuf>,
    on_progress: Channel<Progress>,
) -> Res<ImportReport> {
    cancel.0.store(false, Ordering::SeqCst);
    let report = |p: &Progress| drop(on_progress.send(p.clone()));
    host::import_photos(&lib.0, &paths, &cancel.0, &report)
}
#[tauri::command(async)]
fn find_photos(lib: State<'_, Lib>, query: PhotoQuery) -> Res<Vec<PhotoView>> {
    host::find_photos(&lib.0, &query)
}
#[tauri::command(async)]
fn photo_filter(lib: State<'_, Lib>) -> Res<PhotoQuery> {
    host::photo_filter(&lib.0)
}
#[tauri::command(async)]
fn mark_photos(lib: State<'_, Lib>, ids: Vec<String>, edit: MarkEdit) -> Res<Vec<PhotoView>> {
    host::mark_photos(&lib.0, &ids, &edit)
}
/// Like `import_photos`: a worker, progress over `on_progress`, stopped by `cancel_import`.
#[tauri::command(async)]
fn ingest_photos(
    lib: State<'_, Lib>,
    cancel: State<'_, ImportCancel>,
    previews: State<'_, PreviewPass>,
    paths: Vec<PathBuf>,
    request: IngestRequest,
    on_progress: Channel<Progress>,
) -> Res<IngestReport> {
    cancel.0.store(false, Ordering::SeqCst);
    let report = |p: &Progress| drop(on_progress.send(p.clone()));
    host::ingest_photos(&lib.0, &paths, request, &cancel.0, &previews.0, &report)
}
#[tauri::command]
fn cancel_import(cancel: State<'_, ImportCancel>) {
    cancel.0.store(true, Ordering::SeqCst);
}
#[tauri::command(async)]
fn get_settings(lib: State<'_, Lib>) -> Res<Settings> {
    host::settings(&lib.0)
}
#[tauri::command(async)]
fn save_settings(
    lib: State<'_, Lib>,
    settings: LibrarySettings,
    token: Option<String>,
) -> Res<Settings> {
    host::save_settings(&lib.0, settings, token.as_deref())
}
#[tauri::command(async)]
fn outbox(lib: State<'_, Lib>) -> Res<Vec<OutboxEntry>> {
    host::outbox(&lib.0)
}
#[tauri::command(async)]
fn publish_state(lib: State<'_, Lib>, id: String) -> Res<StoryState> {
    host::publish_state(&lib.0, &id)
}
/// Queues and returns at once; the engine sends, progress arrives as `sync-event`s.
#[tauri::command(async)]
fn publish_story(lib: State<'_, Lib>, id: String, correction: Option<String>) -> Res<StoryState> {
    host::publish_story(&lib.0, &id, correction.as_deref())
}
#[tauri::command]
async fn unpublish_story(
    lib: State<'_, Lib>,
    id: String,
    reason: Option<String>,
) -> Res<UnpublishReport> {
    off_runtime(&lib, move |l| {
        host::unpublish_story(l, &id, reason.as_deref())
    })
    .await
}
#[tauri::command(async)]
fn submit_story(lib: State<'_, Lib>, id: String) -> Res<Article> {
    host::submit_story(&lib.0, &id)
}
#[tauri::command(async)]
fn assign_story(lib: State<'_, Lib>, id: String, people: Vec<Person>) -> Res<Article> {
    host::assign_story(&lib.0, &id, people)
}
#[tauri::command]
async fn story_versions(lib: State<'_, Lib>, id: String) -> Res<VersionList> {
    off_runtime(&lib, move |l| host::story_versions(l, &id)).await
}
#[tauri::command]
async fn diff_story(lib: State<'_, Lib>, id: String, a: String, b: String) -> Res<ArticleDiff> {
    off_runtime(&lib, move |l| host::diff_story(l, &id, &a, &b)).await
}
#[tauri::command]
async fn whoami(lib: State<'_, Lib>) -> Res<Option<Me>> {
    off_runtime(&lib, host::whoami).await
}

/// Runs a body that asks the server (versions, who am I, a takedown) on the blocking pool, so
/// a slow server never holds one of the async workers every other command runs on. (The core's
/// network calls are safe from any thread: see `byline_core::sync::NetRuntime`.)
async fn off_runtime<T: Send + 'static>(
    lib: &State<'_, Lib>,
    body: impl FnOnce(&Library) -> Res<T> + Send + 'static,
) -> Res<T> {
    let lib = lib.0.clone();
    tauri::async_runtime::spawn_blocking(move || body(&lib))
        .await
        .unwrap_or_else(|e| {
            Err(byline_protocol::ApiError::new(
                byline_protocol::ErrorCode::Internal,
                format!("the request to the server stopped unexpectedly ({e}); try again"),
            ))
        })
}
#[tauri::command(async)]
fn list_destinations(lib: State<'_, Lib>) -> Res<Vec<host::Destination>> {
    host::destinations(&lib.0)
}
#[tauri::command(async)]
fn add_destination(
    lib: State<'_, Lib>,
    name: String,
    url: String,
    user: String,
    app_password: String,
) -> Res<host::Destination> {
    host::add_destination(&lib.0, &name, &url, &user, &app_password)
}
#[tauri::command(async)]
fn remove_destination(lib: State<'_, Lib>, name: String) -> Res<()> {
    host::remove_destination(&lib.0, &name)
}
#[tauri::command(async)]
fn publish_to_destinations(lib: State<'_, Lib>, id: String, names: Vec<String>) -> Res<StoryState> {
    host::publish_to_destinations(&lib.0, &id, &names)
}
#[tauri::command(async)]
fn publish_panel(lib: State<'_, Lib>, id: Option<String>) -> Res<PublishProgress> {
    host::publish_panel(&lib.0, id.as_deref())
}
#[tauri::command(async)]
fn sync_now(lib: State<'_, Lib>) -> Res<usize> {
    host::sync_now(&lib.0)
}
#[tauri::command]
fn sync_status(last: State<'_, LastConnection>) -> Option<Event> {
    last.0.lock().ok().and_then(|l| l.clone())
}
#[tauri::command(async)]
fn retry_outbox(lib: State<'_, Lib>) -> Res<usize> {
    host::retry_outbox(&lib.0)
}
#[tauri::command(async)]
fn list_conflicts(lib: State<'_, Lib>, id: String) -> Res<Vec<ConflictView>> {
    host::conflicts(&lib.0, &id)
}
#[tauri::command(async)]
fn resolve_conflict(
    lib: State<'_, Lib>,
    id: String,
    index: usize,
    choice: Choice,
) -> Res<Vec<ConflictView>> {
    host::resolve_conflict(&lib.0, &id, index, choice)
}

/// Menu item ids; the UI receives them as the `menu` event.
const MENU: [(&str, &str, &str); 4] = [
    ("new-story", "Bài mới / New story", "CmdOrCtrl+N"),
    ("import-photos", "Nhập ảnh… / Import photos…", "CmdOrCtrl+I"),
    ("save", "Lưu / Save", "CmdOrCtrl+S"),
    ("find", "Tìm / Find", "CmdOrCtrl+F"),
];

fn menu<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<Menu<R>> {
    let items: Vec<MenuItem<R>> = MENU
        .iter()
        .map(|(id, label, accel)| MenuItem::with_id(app, *id, *label, true, Some(*accel)))
        .collect::<tauri::Result<_>>()?;
    let file = Submenu::with_items(
        app,
        "Tệp / File",
        true,
        &[
            &items[0],
            &items[1],
            &items[2],
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::quit(app, Some("Thoát / Quit"))?,
        ],
    )?;
    let edit = Submenu::with_items(
        app,
        "Sửa / Edit",
        true,
        &[
            &PredefinedMenuItem::undo(app, None)?,
            &PredefinedMenuItem::redo(app, None)?,
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::cut(app, None)?,
            &PredefinedMenuItem::copy(app, None)?,
            &PredefinedMenuItem::paste(app, None)?,
            &PredefinedMenuItem::select_all(app, None)?,
            &PredefinedMenuItem::separator(app)?,
            &items[3],
        ],
    )?;
    Menu::with_items(app, &[&file, &edit])
}

/// On Linux the single-instance plugin needs a D-Bus session bus (it panics without one, e.g.
/// under a bare Xvfb); elsewhere it always works.
fn single_instance_possible() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|d| std::path::Path::new(&d).join("bus").exists())
}

/// Turns WebKitGTK's GPU compositing off when there is no GPU to composite with (see
/// `host::paint_in_software`).
#[cfg(target_os = "linux")]
fn paint_policy(app: &tauri::App) {
    let gpu = std::env::var("BYLINE_GPU").ok();
    if !host::paint_in_software(gpu.as_deref(), std::path::Path::new("/dev/dri")) {
        return;
    }
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.with_webview(|view| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = view.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn paint_policy(_app: &tauri::App) {}

/// Starts the sync engine and forwards every core event to the window as `sync-event` (the UI
/// refreshes what each names; nothing polls).
fn start_sync(app: &tauri::App, library: &Library) {
    let mut events = library.events().subscribe();
    let handle = app.handle().clone();
    let last = app.state::<LastConnection>().0.clone();
    std::thread::Builder::new()
        .name("byline-events".into())
        .spawn(move || {
            loop {
                match events.blocking_recv() {
                    Ok(ev) => {
                        if matches!(ev, Event::Connection { .. })
                            && let Ok(mut l) = last.lock()
                        {
                            *l = Some(ev.clone());
                        }
                        drop(handle.emit("sync-event", ev));
                    }
                    // Fell behind: the UI refreshes everything on an outbox change.
                    Err(byline_core::events::RecvError::Lagged(_)) => {
                        drop(handle.emit("sync-event", Event::OutboxChanged));
                    }
                    Err(_) => break,
                }
            }
        })
        .ok();
    match library.start_engine(byline_core::engine::Target::Settings) {
        Ok(engine) => {
            if let Ok(mut slot) = app.state::<SyncEngine>().0.lock() {
                *slot = Some(engine);
            }
        }
        Err(e) => eprintln!("byline: the sync engine did not start: {e}"),
    }
}

/// Starts the app (the binary's `main`).
pub fn run() {
    let root = host::data_dir();
    let library = match Library::open(&root) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("byline: cannot open the library in {}: {e}", root.display());
            std::process::exit(1);
        }
    };
    let served = library.clone();
    single_instance(tauri::Builder::default())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .manage(Lib(library.clone()))
        .manage(SyncEngine(Mutex::new(None)))
        .manage(LastConnection::default())
        .manage(ImportCancel::default())
        .manage(PreviewPass::default())
        .register_asynchronous_uri_scheme_protocol("byline", move |_ctx, request, responder| {
            serve_photo_file(&served, request.uri().path(), responder);
        })
        .menu(menu)
        .on_menu_event(|app, event| {
            let _ = app.emit("menu", event.id().as_ref());
        })
        .setup(move |app| {
            paint_policy(app);
            host::start_previews(&library, &app.state::<PreviewPass>().0);
            start_sync(app, &library);
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                let _ = window.emit("photos-dropped", paths);
            }
        })
        .invoke_handler(commands())
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running Byline");
}

/// One window per user: a second launch focuses the first. Tests run many instances.
fn single_instance(builder: tauri::Builder<tauri::Wry>) -> tauri::Builder<tauri::Wry> {
    if std::env::var_os("BYLINE_MULTI_INSTANCE").is_some() || !single_instance_possible() {
        return builder;
    }
    builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
        if let Some(w) = app.get_webview_window("main") {
            let _ = w.unminimize();
            let _ = w.set_focus();
        }
    }))
}

/// `byline://localhost/…`: a photo's thumbnail, preview or original from the library, else 404.
/// A file on disk is answered at once; a preview an ingest left for later is made on a thread of
/// its own, so the window never waits on a decode.
fn serve_photo_file(lib: &Library, path: &str, responder: tauri::UriSchemeResponder) {
    if let Some(file) = host::rendition_on_disk(lib, path) {
        return responder.respond(photo_response(Some(file)));
    }
    let (lib, path) = (lib.clone(), path.to_owned());
    let spawned = std::thread::Builder::new()
        .name("byline-preview".into())
        .spawn(move || responder.respond(photo_response(host::rendition_file(&lib, &path))));
    if let Err(e) = spawned {
        eprintln!(
            "byline: a preview could not be made ({e}); close some programs and reopen the photo"
        );
    }
}

fn photo_response(file: Option<byline_core::photodesk::Served>) -> tauri::http::Response<Vec<u8>> {
    match file.and_then(|f| Some((std::fs::read(&f.path).ok()?, f.content_type))) {
        Some((bytes, content_type)) => tauri::http::Response::builder()
            .header("Content-Type", content_type)
            .header("Cache-Control", "max-age=3600")
            .body(bytes)
            .expect("response"),
        None => tauri::http::Response::builder()
            .status(404)
            .body(Vec::new())
            .expect("response"),
    }
}

/// Every command the window may invoke (each one line into `host`).
fn commands() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        list_destinations,
        add_destination,
        remove_destination,
        publish_to_destinations,
        list_stories,
        search_stories,
        create_story,
        get_story,
        save_story,
        merge_story,
        trash_story,
        list_revisions,
        get_revision,
        restore_revision,
        check_story,
        fix_story,
        clean_paste,
        add_word,
        list_words,
        list_photos,
        caption_photos,
        attach_photo,
        import_photos,
        find_photos,
        photo_filter,
        mark_photos,
        ingest_photos,
        cancel_import,
        get_settings,
        save_settings,
        outbox,
        publish_state,
        publish_story,
        publish_panel,
        sync_now,
        sync_status,
        retry_outbox,
        list_conflicts,
        resolve_conflict,
        unpublish_story,
        submit_story,
        assign_story,
        story_versions,
        diff_story,
        whoami,
    ]
}

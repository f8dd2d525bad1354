//! Waiting for something that happens on another thread or process, bounded in time.

/// Polls `check` every 100 ms until it gives a value or `timeout` passes; returns the value and
/// how long it took, or `None`.
pub fn wait_until<T>(
    timeout: std::time::Duration,
    mut check: impl FnMut() -> Option<T>,
) -> Option<(T, std::time::Duration)> {
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = check() {
            return Some((v, start.elapsed()));
        }
        if start.elapsed() > timeout {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Waits up to `timeout` for an event of the library's bus matching `want`; the events read
/// before it are returned too (in order), for the failure message.
pub fn wait_event(
    rx: &mut tokio::sync::broadcast::Receiver<byline_core::events::Event>,
    timeout: std::time::Duration,
    want: impl Fn(&byline_core::events::Event) -> bool,
) -> (
    Option<byline_core::events::Event>,
    Vec<byline_core::events::Event>,
) {
    use byline_core::events::TryRecvError;
    let deadline = std::time::Instant::now() + timeout;
    let mut seen = Vec::new();
    loop {
        match rx.try_recv() {
            Ok(ev) if want(&ev) => return (Some(ev), seen),
            Ok(ev) => seen.push(ev),
            Err(TryRecvError::Lagged(_)) => {}
            Err(TryRecvError::Empty) => {
                if std::time::Instant::now() > deadline {
                    return (None, seen);
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(TryRecvError::Closed) => return (None, seen),
        }
    }
}

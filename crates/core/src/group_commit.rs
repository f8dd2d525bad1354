//! Group commit: things made on many threads (an import's photos) handed to one thread that
//! writes them in groups, the first at once, then at most one group per interval.
//!
//! An import recorded each photo in a transaction of its own: hundreds of commits a second,
//! each holding the library's one writer through a WAL fsync, and an autosave that arrived
//! meanwhile waited for it. In groups the writer is taken at most ten times a second and a
//! save waits for at most one short commit, while the grid still fills as the import runs
//! (nothing waits longer than one interval).

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long a made item may wait for the next group: the grid's lag behind the decoders.
pub(crate) const EVERY: Duration = Duration::from_millis(100);

/// The most items one transaction takes (it stays short however fast they come).
pub(crate) const MAX: usize = 64;

/// Receives until every sender is gone and calls `commit` with each group, in arrival order.
/// After a quiet spell the first item goes alone and at once; while items keep coming,
/// groups are at least `every` apart, so none waits longer than that.
pub(crate) fn in_groups<T>(rx: &Receiver<T>, every: Duration, mut commit: impl FnMut(Vec<T>)) {
    let mut last: Option<Instant> = None;
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        if let Some(at) = last {
            let deadline = at + every;
            while group.len() < MAX {
                match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                    Ok(item) => group.push(item),
                    Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
                }
            }
        }
        commit(group);
        last = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn the_first_item_goes_alone_and_the_rest_in_groups_no_closer_than_the_interval() {
        let (tx, rx) = mpsc::channel();
        let feeder = std::thread::spawn(move || {
            for i in 0..40 {
                tx.send(i).unwrap();
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        let mut groups: Vec<(Instant, Vec<i32>)> = Vec::new();
        in_groups(&rx, Duration::from_millis(20), |g| {
            groups.push((Instant::now(), g));
        });
        feeder.join().unwrap();
        assert_eq!(
            groups[0].1,
            [0],
            "the first item is committed alone, at once"
        );
        let all: Vec<i32> = groups.iter().flat_map(|(_, g)| g.clone()).collect();
        assert_eq!(
            all,
            (0..40).collect::<Vec<_>>(),
            "every item once, in order"
        );
        assert!(
            groups.len() < 20,
            "40 items 2 ms apart take far fewer than 40 commits: {} groups",
            groups.len()
        );
        for pair in groups.windows(2).take(groups.len().saturating_sub(2)) {
            let gap = pair[1].0 - pair[0].0;
            assert!(
                gap >= Duration::from_millis(19),
                "groups while items keep coming are an interval apart: {gap:?}"
            );
        }
    }

    #[test]
    fn a_burst_larger_than_a_group_is_split_into_groups_of_at_most_max() {
        let (tx, rx) = mpsc::channel();
        tx.send(usize::MAX).unwrap();
        let mut tx = Some(tx);
        let mut sizes = Vec::new();
        in_groups(&rx, Duration::from_millis(1), |g| {
            sizes.push(g.len());
            // The burst lands while the first group commits; then the sender is gone.
            if let Some(tx) = tx.take() {
                for i in 0..(MAX * 2 + 5) {
                    tx.send(i).unwrap();
                }
            }
        });
        assert_eq!(sizes[0], 1, "the first item went alone");
        assert!(
            sizes.iter().all(|&s| s <= MAX),
            "no group over MAX: {sizes:?}"
        );
        assert_eq!(
            sizes.iter().sum::<usize>(),
            MAX * 2 + 6,
            "nothing lost: {sizes:?}"
        );
    }
}

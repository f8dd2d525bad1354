//! Capture times with their zone. Cameras record a wall-clock time; newer ones also record the
//! offset (EXIF `OffsetTimeOriginal`). Without one, the time is the newsroom's (the library's
//! `time_zone` setting, +07:00 by default), so photo times line up with a story's publish time.
//! A camera whose clock was wrong is corrected by a per-model shift at ingest.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeDelta};

use crate::error::{CoreError, Result};

/// The newsroom's zone when the library sets none: Việt Nam, UTC+7, no daylight saving.
pub const DEFAULT_ZONE: &str = "+07:00";

/// Parses `±HH:MM` (the form EXIF and RFC 3339 use).
pub fn parse_zone(s: &str) -> Result<FixedOffset> {
    let bad = || {
        CoreError::Invalid(format!(
            "time zone `{s}` is not an offset like +07:00: set it as ±HH:MM in Settings"
        ))
    };
    let b = s.trim().as_bytes();
    if b.len() != 6 || !matches!(b[0], b'+' | b'-') || b[3] != b':' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| s.trim()[r].parse::<i32>().map_err(|_| bad());
    let (h, m) = (num(1..3)?, num(4..6)?);
    if h > 14 || m > 59 {
        return Err(bad());
    }
    let secs = (h * 3600 + m * 60) * if b[0] == b'-' { -1 } else { 1 };
    FixedOffset::east_opt(secs).ok_or_else(bad)
}

/// Parses a clock correction `±HH:MM:SS` (or `HH:MM:SS`, meaning +) into seconds.
pub fn parse_shift(s: &str) -> Result<i64> {
    let t = s.trim();
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'-') => (-1, &t[1..]),
        Some(b'+') => (1, &t[1..]),
        _ => (1, t),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let nums: Option<Vec<i64>> = parts.iter().map(|p| p.parse::<i64>().ok()).collect();
    match nums.as_deref() {
        Some([h, m, s]) if *m < 60 && *s < 60 && *h >= 0 && *m >= 0 && *s >= 0 => {
            Ok(sign * (h * 3600 + m * 60 + s))
        }
        _ => Err(CoreError::Invalid(format!(
            "time offset `{s}` is not ±HH:MM:SS (e.g. -01:02:30 for a clock 1 h 2 min 30 s fast)"
        ))),
    }
}

/// `taken` with `zone` when it carries no offset of its own; RFC 3339 out.
pub fn with_zone(taken: &str, zone: FixedOffset) -> String {
    if DateTime::parse_from_rfc3339(taken).is_ok() {
        return taken.to_owned();
    }
    match NaiveDateTime::parse_from_str(taken, "%Y-%m-%dT%H:%M:%S") {
        Ok(n) => match n.and_local_timezone(zone).single() {
            Some(t) => t.to_rfc3339(),
            None => taken.to_owned(),
        },
        Err(_) => taken.to_owned(),
    }
}

/// `taken` (RFC 3339) moved by `secs`, keeping its zone; unparseable times stay as they are.
pub fn shifted(taken: &str, secs: i64) -> String {
    match DateTime::parse_from_rfc3339(taken) {
        Ok(t) => (t + TimeDelta::seconds(secs)).to_rfc3339(),
        Err(_) => taken.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_without_offset_gets_the_newsroom_zone_and_one_with_keeps_its_own() {
        let vn = parse_zone(DEFAULT_ZONE).unwrap();
        assert_eq!(
            with_zone("2026-12-07T09:15:00", vn),
            "2026-12-07T09:15:00+07:00"
        );
        assert_eq!(
            with_zone("2026-12-07T09:15:00+09:00", vn),
            "2026-12-07T09:15:00+09:00",
            "the camera's own OffsetTimeOriginal wins"
        );
    }

    #[test]
    fn clock_corrections_shift_across_midnight_and_bad_ones_say_the_form() {
        assert_eq!(parse_shift("-01:02:03").unwrap(), -3723);
        assert_eq!(parse_shift("+00:00:30").unwrap(), 30);
        assert_eq!(
            shifted("2026-12-07T23:59:45+07:00", 30),
            "2026-12-08T00:00:15+07:00"
        );
        assert!(
            parse_shift("1h")
                .unwrap_err()
                .to_string()
                .contains("±HH:MM:SS")
        );
        assert!(parse_zone("UTC+7").is_err());
        assert_eq!(parse_zone("-03:30").unwrap().local_minus_utc(), -12600);
    }
}

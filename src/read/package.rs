//! The zip package of an .xlsx, .xlsm, .xlsb or .ods, checked before any
//! reader inflates it, and rewritten when a part must be mended first.
//!
//! A zip says how large each member unpacks to, and a reader believes it:
//! a small file claiming little and inflating to gigabytes (a zip bomb)
//! would hold a reader for minutes on a thread that cannot be stopped.
//! Deflate expands at most about 1,032 times, so a package smaller than
//! [`MAX_UNPACKED_BYTES`] / 1,032 cannot unpack past the limit whatever it
//! claims: only larger packages are inflated here once, with a cap, to
//! know their real size. Every package's claims are added up either way.

use super::{ReadError, MAX_UNPACKED_BYTES};
use std::io::{Cursor, Read, Write};

/// Deflate's largest expansion (RFC 1951: 258 bytes from one
/// 2-bit-ish code, rounded up): a bound on what a member really unpacks to.
const DEFLATE_MAX_RATIO: u64 = 1_032;

/// Refuses a package that unpacks, or claims to, past [`MAX_UNPACKED_BYTES`].
/// A package the zip reader cannot open passes: the format's reader says
/// why in its words.
pub(super) fn check(bytes: &[u8]) -> Result<(), ReadError> {
    let Ok(mut z) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut claimed: u64 = 0;
    for i in 0..z.len() {
        if let Ok(f) = z.by_index_raw(i) {
            claimed = claimed.saturating_add(f.size());
        }
        if claimed > MAX_UNPACKED_BYTES {
            return Err(ReadError::Bomb(claimed / (1024 * 1024)));
        }
    }
    if (bytes.len() as u64).saturating_mul(DEFLATE_MAX_RATIO) <= MAX_UNPACKED_BYTES {
        return Ok(());
    }
    // Large enough to lie: inflate every member, never past the limit.
    let mut left = MAX_UNPACKED_BYTES;
    for i in 0..z.len() {
        let Ok(f) = z.by_index(i) else { continue };
        let mut capped = f.take(left + 1);
        let n = std::io::copy(&mut capped, &mut std::io::sink()).unwrap_or(0);
        if n > left {
            return Err(ReadError::Bomb(MAX_UNPACKED_BYTES / (1024 * 1024)));
        }
        left -= n;
    }
    Ok(())
}

/// One member, whole (its size already bounded by [`check`]); `None`
/// when the package has no such member or it cannot be inflated.
pub(super) fn member(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<Vec<u8>> {
    capped_member(zip, name, MAX_UNPACKED_BYTES).ok()
}

/// Why a member could not be taken whole.
#[derive(Debug)]
pub(crate) enum Member {
    Missing,
    /// It claims, or really inflates to, more than the cap.
    TooLarge,
    /// It does not inflate; the zip reader's words.
    Broken(std::io::Error),
}

/// One member, inflated never past `cap` bytes: what the package claims
/// first (a bomb says what it is), then what it really inflates to. For
/// the packages [`check`] has not bounded (a report's .docx).
pub(crate) fn capped_member(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str, cap: u64) -> Result<Vec<u8>, Member> {
    let f = zip.by_name(name).map_err(|_| Member::Missing)?;
    if f.size() > cap {
        return Err(Member::TooLarge);
    }
    let mut data = Vec::with_capacity(f.size() as usize);
    f.take(cap + 1).read_to_end(&mut data).map_err(Member::Broken)?;
    match data.len() as u64 > cap {
        true => Err(Member::TooLarge),
        false => Ok(data),
    }
}

/// The package with the members in `changed` replaced (stored, not
/// deflated: the copy is read once, in memory) and every other member
/// copied raw; `None` when it cannot be rewritten.
pub(crate) fn replaced(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, changed: &[(String, Vec<u8>)]) -> Option<Vec<u8>> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).ok()?;
        match changed.iter().find(|(n, _)| n == f.name()) {
            Some((name, data)) => {
                drop(f);
                out.start_file(name.as_str(), stored).ok()?;
                out.write_all(data).ok()?;
            }
            None => out.raw_copy_file(f).ok()?,
        }
    }
    Some(out.finish().ok()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(members: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, data) in members {
            out.start_file(*name, o).expect("start");
            out.write_all(data).expect("write");
        }
        out.finish().expect("finish").into_inner()
    }

    #[test]
    fn a_package_claiming_more_than_the_limit_is_refused_before_inflating() {
        let z = zip_of(&[("a.xml", b"<a/>")], zip::CompressionMethod::Stored);
        assert_eq!(check(&z), Ok(()));
        // Patch the central directory's uncompressed size (offset 24 of
        // the entry) to claim more than the limit.
        let cd = z.windows(4).rposition(|w| w == b"PK\x01\x02").expect("central directory");
        let mut lying = z.clone();
        lying[cd + 24..cd + 28].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(check(&lying), Err(ReadError::Bomb(_))));
    }

    #[test]
    fn a_large_package_is_inflated_and_its_real_size_counted() {
        // 96 MB of zeros deflate to about 100 KB: past the size below
        // which a package cannot lie, so it is inflated, and refused.
        let zeros = vec![0u8; (MAX_UNPACKED_BYTES + 1) as usize];
        let z = zip_of(&[("a.xml", &zeros)], zip::CompressionMethod::Deflated);
        assert!(z.len() as u64 * DEFLATE_MAX_RATIO > MAX_UNPACKED_BYTES, "{}", z.len());
        assert!(matches!(check(&z), Err(ReadError::Bomb(_))));
        // The same within the limit passes.
        let z = zip_of(&[("a.xml", &zeros[..(MAX_UNPACKED_BYTES / 2) as usize])], zip::CompressionMethod::Deflated);
        assert_eq!(check(&z), Ok(()));
    }

    #[test]
    fn a_capped_member_is_missing_too_large_or_whole() {
        let z = zip_of(&[("a", &[b'x'; 1000][..])], zip::CompressionMethod::Deflated);
        let mut zip = zip::ZipArchive::new(Cursor::new(z.as_slice())).expect("zip");
        assert!(matches!(capped_member(&mut zip, "b", 10_000), Err(Member::Missing)));
        assert!(matches!(capped_member(&mut zip, "a", 999), Err(Member::TooLarge)));
        assert_eq!(capped_member(&mut zip, "a", 1000).expect("whole").len(), 1000);
    }

    #[test]
    fn members_are_replaced_and_the_rest_copied() {
        let z = zip_of(&[("a", b"one"), ("b", b"two")], zip::CompressionMethod::Deflated);
        let mut zip = zip::ZipArchive::new(Cursor::new(z.as_slice())).expect("zip");
        let out = replaced(&mut zip, &[("b".into(), b"TWO".to_vec())]).expect("rewritten");
        let mut zip = zip::ZipArchive::new(Cursor::new(out.as_slice())).expect("zip");
        assert_eq!(member(&mut zip, "a").as_deref(), Some(&b"one"[..]));
        assert_eq!(member(&mut zip, "b").as_deref(), Some(&b"TWO"[..]));
    }
}

//! The record stream of a binary workbook (.xlsb, BIFF12): each record a
//! varint type (at most 2 bytes), a varint length (at most 4) and its
//! body. One walk, bounds-checked, for every part that reads or rewrites
//! records (the short cells of a sheet, the sheet list of a workbook).

/// One record: its type, its body, and the whole record's bytes.
pub(super) struct Record<'a> {
    pub typ: u32,
    pub body: &'a [u8],
    pub raw: &'a [u8],
}

/// The records of `data`, in order; a record whose header or body runs
/// past the end is `None` and ends the walk.
pub(super) fn records(data: &[u8]) -> impl Iterator<Item = Option<Record<'_>>> {
    let mut i = 0;
    let mut broken = false;
    std::iter::from_fn(move || {
        if broken || i >= data.len() {
            return None;
        }
        let record = (|| {
            let (typ, after_type) = varint(data, i, 2)?;
            let (len, at) = varint(data, after_type, 4)?;
            let end = at.checked_add(len as usize).filter(|e| *e <= data.len())?;
            let r = Record { typ, body: &data[at..end], raw: &data[i..end] };
            Some((r, end))
        })();
        match record {
            Some((r, end)) => {
                i = end;
                Some(Some(r))
            }
            None => {
                broken = true;
                Some(None)
            }
        }
    })
}

/// Appends a record of type `typ` with `body`.
pub(super) fn put_record(out: &mut Vec<u8>, typ: u32, body: &[u8]) {
    put_varint(out, typ);
    put_varint(out, body.len() as u32);
    out.extend_from_slice(body);
}

/// A record header number at `i`: 7 bits a byte, high bit set when
/// another byte follows, at most `max` bytes. Returns it and where the
/// next field starts.
pub(super) fn varint(data: &[u8], mut i: usize, max: usize) -> Option<(u32, usize)> {
    let mut v: u32 = 0;
    for k in 0..max {
        let b = *data.get(i)?;
        i += 1;
        v |= u32::from(b & 0x7F) << (7 * k);
        if b & 0x80 == 0 {
            return Some((v, i));
        }
    }
    None
}

pub(super) fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let b = (v & 0x7F) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_a_record_past_the_end_ends_the_walk() {
        for v in [0u32, 1, 127, 128, 16_383, 16_384, 2_097_151] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            assert_eq!(varint(&out, 0, 4), Some((v, out.len())));
        }
        let mut data = Vec::new();
        put_record(&mut data, 0x05, &[1, 2, 3]);
        put_record(&mut data, 0x9C, &[]);
        let whole = data.len();
        put_record(&mut data, 0x06, &[9; 10]);
        data.truncate(data.len() - 4);
        let walked: Vec<Option<(u32, usize)>> = records(&data).map(|r| r.map(|r| (r.typ, r.body.len()))).collect();
        assert_eq!(walked, [Some((0x05, 3)), Some((0x9C, 0)), None]);
        assert_eq!(records(&data[..whole]).count(), 2);
    }
}

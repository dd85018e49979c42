//! A small TIFF/EXIF writer for fixtures: IFDs with typed values, sub-IFDs and out-of-line data.

/// A directory: tags in the order given (callers keep them sorted, as TIFF wants).
pub(crate) struct Ifd(pub(crate) Vec<(u16, Value)>);

pub(crate) enum Value {
    Ascii(&'static [u8]),
    Short(u16),
    Long(u32),
    Rational(Vec<(u32, u32)>),
    Undefined(Vec<u8>),
    /// A pointer (LONG) to a sub-IFD written after this one.
    Sub(Ifd),
    /// A pointer (LONG) to these bytes, written out of line (the IFD1 thumbnail).
    Blob(Vec<u8>),
}

/// Byte order of the TIFF being written.
#[derive(Clone, Copy)]
pub(crate) enum Order {
    Little,
    Big,
}

impl Order {
    fn u16(self, v: u16) -> [u8; 2] {
        match self {
            Order::Little => v.to_le_bytes(),
            Order::Big => v.to_be_bytes(),
        }
    }

    fn u32(self, v: u32) -> [u8; 4] {
        match self {
            Order::Little => v.to_le_bytes(),
            Order::Big => v.to_be_bytes(),
        }
    }
}

/// A whole TIFF structure: header, IFD0 and optionally IFD1 (linked from IFD0).
pub(crate) fn tiff(order: Order, ifd0: &Ifd, ifd1: Option<&Ifd>) -> Vec<u8> {
    let mut buf = match order {
        Order::Little => b"II*\0".to_vec(),
        Order::Big => b"MM\0*".to_vec(),
    };
    buf.extend_from_slice(&order.u32(8));
    let next = write_ifd(&mut buf, order, ifd0);
    if let Some(ifd1) = ifd1 {
        let at = offset(&buf);
        buf[next..next + 4].copy_from_slice(&order.u32(at));
        write_ifd(&mut buf, order, ifd1);
    }
    buf
}

fn offset(buf: &[u8]) -> u32 {
    u32::try_from(buf.len()).unwrap()
}

/// Appends an IFD and everything it points to; returns the position of its next-IFD field.
fn write_ifd(buf: &mut Vec<u8>, order: Order, ifd: &Ifd) -> usize {
    if buf.len() % 2 == 1 {
        buf.push(0);
    }
    let count = u16::try_from(ifd.0.len()).unwrap();
    buf.extend_from_slice(&order.u16(count));
    let entries = buf.len();
    buf.resize(entries + 12 * ifd.0.len() + 4, 0);
    for (i, (tag, value)) in ifd.0.iter().enumerate() {
        let at = entries + 12 * i;
        let (typ, count, data) = encode(order, value);
        buf[at..at + 2].copy_from_slice(&order.u16(*tag));
        buf[at + 2..at + 4].copy_from_slice(&order.u16(typ));
        buf[at + 4..at + 8].copy_from_slice(&order.u32(count));
        let field = match value {
            Value::Sub(sub) => {
                let pointer = offset(buf);
                write_ifd(buf, order, sub);
                order.u32(pointer)
            }
            _ if data.len() <= 4 => {
                let mut field = [0; 4];
                field[..data.len()].copy_from_slice(&data);
                field
            }
            _ => {
                if buf.len() % 2 == 1 {
                    buf.push(0);
                }
                let pointer = offset(buf);
                buf.extend_from_slice(&data);
                order.u32(pointer)
            }
        };
        buf[at + 8..at + 12].copy_from_slice(&field);
    }
    entries + 12 * ifd.0.len()
}

/// TIFF type, count and value bytes of a value.
fn encode(order: Order, value: &Value) -> (u16, u32, Vec<u8>) {
    let count = |n: usize| u32::try_from(n).unwrap();
    match value {
        Value::Ascii(s) => {
            let mut data = s.to_vec();
            data.push(0);
            (2, count(data.len()), data)
        }
        Value::Short(v) => (3, 1, order.u16(*v).to_vec()),
        Value::Long(v) => (4, 1, order.u32(*v).to_vec()),
        Value::Rational(parts) => {
            let data = parts
                .iter()
                .flat_map(|(n, d)| [order.u32(*n), order.u32(*d)])
                .flatten();
            (5, count(parts.len()), data.collect())
        }
        Value::Undefined(data) => (7, count(data.len()), data.clone()),
        Value::Sub(_) => (4, 1, Vec::new()),
        Value::Blob(data) => (4, 1, data.clone()),
    }
}

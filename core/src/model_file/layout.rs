//! How one number and one tensor are laid out: the dtype name of `f32` and `f64`, their
//! little-endian bytes, and the order of a tensor's elements (row-major in the file, column-major
//! in nalgebra), shared by the writer and the loader.

use crate::Scalar;

/// The safetensors dtype of `T`: `F32` or `F64`.
pub fn dtype<T: Scalar>() -> &'static str {
    // Only f32 and f64 implement `Scalar`.
    if size_of::<T>() == 4 { "F32" } else { "F64" }
}

/// Appends `value` to `out` as `T`'s dtype: 4 or 8 little-endian bytes.
pub(super) fn write_le<T: Scalar>(value: T, out: &mut Vec<u8>) {
    if size_of::<T>() == 4 {
        out.extend_from_slice(&(value.as_f64() as f32).to_le_bytes());
    } else {
        out.extend_from_slice(&value.as_f64().to_le_bytes());
    }
}

/// The number in `bytes`, 4 or 8 little-endian bytes of `T`'s dtype.
pub(super) fn read_le<T: Scalar>(bytes: &[u8]) -> T {
    match *bytes {
        [a, b, c, d] => T::of(f64::from(f32::from_le_bytes([a, b, c, d]))),
        [a, b, c, d, e, f, g, h] => T::of(f64::from_le_bytes([a, b, c, d, e, f, g, h])),
        _ => unreachable!("chunks are 4 or 8 bytes"),
    }
}

/// For each element of a tensor of `shape` in row-major order (the file's), its position in
/// column-major order (nalgebra's).
pub(super) fn column_major_positions(shape: &[usize]) -> impl Iterator<Item = usize> + '_ {
    let len: usize = shape.iter().product();
    let mut index = vec![0; shape.len()];
    (0..len).map(move |flat| {
        if flat > 0 {
            // Advance the row-major odometer: the last index varies fastest.
            for axis in (0..shape.len()).rev() {
                index[axis] += 1;
                if index[axis] < shape[axis] {
                    break;
                }
                index[axis] = 0;
            }
        }
        let (mut position, mut stride) = (0, 1);
        for (axis, &i) in index.iter().enumerate() {
            position += i * stride;
            stride *= shape[axis];
        }
        position
    })
}

/// The row-major multi-index of element `flat` of a tensor of `shape`.
pub(super) fn unflatten(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for axis in (0..shape.len()).rev() {
        index[axis] = flat % shape[axis].max(1);
        flat /= shape[axis].max(1);
    }
    index
}

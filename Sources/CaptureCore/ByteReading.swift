// The one bounds-checked way to read integers from captured bytes (tcpdump's GET_* macros,
// SwiftNIO ByteBuffer): every read names its offset and returns nil past the captured end.
// Hot loops check a whole header's length once and then use the `unchecked` variants.

extension UnsafeRawBufferPointer {
    /// Big-endian (network order) integer at `offset`, or nil if it does not fit.
    @inlinable @inline(__always)
    public func readBigEndian<T: FixedWidthInteger>(_: T.Type = T.self, at offset: Int) -> T? {
        guard offset >= 0, offset &+ MemoryLayout<T>.size <= count else { return nil }
        return T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Little-endian integer at `offset`, or nil if it does not fit.
    @inlinable @inline(__always)
    public func readLittleEndian<T: FixedWidthInteger>(_: T.Type = T.self, at offset: Int) -> T? {
        guard offset >= 0, offset &+ MemoryLayout<T>.size <= count else { return nil }
        return T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Big-endian integer at `offset`; the caller has already checked `offset + size <= count`.
    @inlinable @inline(__always)
    public func uncheckedBigEndian<T: FixedWidthInteger>(_: T.Type = T.self, at offset: Int) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Little-endian integer at `offset`; the caller has already checked the length.
    @inlinable @inline(__always)
    public func uncheckedLittleEndian<T: FixedWidthInteger>(_: T.Type = T.self, at offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// A sub-view `[offset, offset+length)` clamped to the available bytes, without copying.
    @inlinable @inline(__always)
    public func clampedSlice(from offset: Int, length: Int = .max) -> UnsafeRawBufferPointer {
        guard offset < count, offset >= 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let n = Swift.min(length, count - offset)
        return UnsafeRawBufferPointer(rebasing: self[offset..<(offset + n)])
    }
}

import Foundation

/// An `Encoder` that writes nothing and records the path of every keyed member a value encodes,
/// nil optionals included (it implements every `encodeIfPresent`, whose default skips nil), so a
/// test sees each key a type can emit without crafting a document where every optional is set.
/// Paths are the `stringValue`s of the coding keys joined by "."; array elements add no step.
final class KeyRecorder {
    private(set) var paths: Set<String> = []
    func note(_ path: [String]) { paths.insert(path.joined(separator: ".")) }

    /// The member paths `value` encodes.
    static func paths<T: Encodable>(of value: T) throws -> Set<String> {
        let r = KeyRecorder()
        try value.encode(to: KeyRecordingEncoder(recorder: r, path: []))
        return r.paths
    }
}

struct KeyRecordingEncoder: Encoder {
    let recorder: KeyRecorder
    let path: [String]
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedRecorder<Key>(recorder: recorder, path: path))
    }
    func unkeyedContainer() -> UnkeyedEncodingContainer { UnkeyedRecorder(recorder: recorder, path: path) }
    func singleValueContainer() -> SingleValueEncodingContainer { SingleValueRecorder(recorder: recorder, path: path) }
}

struct KeyedRecorder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let recorder: KeyRecorder
    let path: [String]
    var codingPath: [CodingKey] { [] }

    private func note(_ key: Key) { recorder.note(path + [key.stringValue]) }
    private func nested<T: Encodable>(_ value: T, _ key: Key) throws {
        note(key)
        try value.encode(to: KeyRecordingEncoder(recorder: recorder, path: path + [key.stringValue]))
    }

    mutating func encodeNil(forKey key: Key) throws { note(key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: String, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { note(key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { note(key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try nested(value, key) }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { note(key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try nested(value, key) } else { note(key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        note(key)
        return KeyedEncodingContainer(KeyedRecorder<NestedKey>(recorder: recorder, path: path + [key.stringValue]))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        note(key)
        return UnkeyedRecorder(recorder: recorder, path: path + [key.stringValue])
    }
    mutating func superEncoder() -> Encoder { KeyRecordingEncoder(recorder: recorder, path: path + ["super"]) }
    mutating func superEncoder(forKey key: Key) -> Encoder {
        note(key)
        return KeyRecordingEncoder(recorder: recorder, path: path + [key.stringValue])
    }
}

struct UnkeyedRecorder: UnkeyedEncodingContainer {
    let recorder: KeyRecorder
    let path: [String]
    var codingPath: [CodingKey] { [] }
    var count = 0
    mutating func encodeNil() throws { count += 1 }
    mutating func encode<T: Encodable>(_ value: T) throws {
        count += 1
        try value.encode(to: KeyRecordingEncoder(recorder: recorder, path: path))
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        count += 1
        return KeyedEncodingContainer(KeyedRecorder<NestedKey>(recorder: recorder, path: path))
    }
    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer { count += 1; return UnkeyedRecorder(recorder: recorder, path: path) }
    mutating func superEncoder() -> Encoder { KeyRecordingEncoder(recorder: recorder, path: path) }
}

struct SingleValueRecorder: SingleValueEncodingContainer {
    let recorder: KeyRecorder
    let path: [String]
    var codingPath: [CodingKey] { [] }
    mutating func encodeNil() throws {}
    mutating func encode(_ value: Bool) throws {}
    mutating func encode(_ value: String) throws {}
    mutating func encode(_ value: Double) throws {}
    mutating func encode(_ value: Float) throws {}
    mutating func encode(_ value: Int) throws {}
    mutating func encode(_ value: Int8) throws {}
    mutating func encode(_ value: Int16) throws {}
    mutating func encode(_ value: Int32) throws {}
    mutating func encode(_ value: Int64) throws {}
    mutating func encode(_ value: UInt) throws {}
    mutating func encode(_ value: UInt8) throws {}
    mutating func encode(_ value: UInt16) throws {}
    mutating func encode(_ value: UInt32) throws {}
    mutating func encode(_ value: UInt64) throws {}
    mutating func encode<T: Encodable>(_ value: T) throws {
        try value.encode(to: KeyRecordingEncoder(recorder: recorder, path: path))
    }
}

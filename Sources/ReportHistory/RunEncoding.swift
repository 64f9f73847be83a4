import Foundation

/// The run's `inputs` and `options` as stored in `inputs_json` / `options_json`: compact JSON,
/// keys sorted, so equal runs store equal text in both engines.
enum RunEncoding {
    static func json<T: Encodable>(_ value: T) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, integers and arrays of them always encode.
        return (try? String(decoding: e.encode(value), as: UTF8.self)) ?? "null"
    }
}

/// Bind values as the paramValues array of a libpq call.
enum PGParameters {
    static func withCStrings<R>(
        _ binds: [any PGBindable],
        file: String,
        line: Int,
        _ body: ([UnsafePointer<CChar>?]) throws -> R
    ) throws -> R {
        // A closure, not `\.pgText`: a key path through an existential is resolved at run time on every call.
        let texts = binds.map { $0.pgText }
        // libpq would silently cut the value at the NUL; PostgreSQL text cannot hold one anyway.
        if let position = texts.firstIndex(where: { $0.map(containsNUL) ?? false }) {
            throw PGError(.queryFailed, context: "parameter $\(position + 1) contains a NUL byte", file: file, line: line)
        }
        return try PGCStrings.with(texts, body)
    }

    /// Scans the contiguous UTF-8 bytes: a batch's array parameters run to kilobytes, too long for the generic
    /// per-character walk of `String.UTF8View`.
    private static func containsNUL(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in bytes.contains(0) }
    }
}

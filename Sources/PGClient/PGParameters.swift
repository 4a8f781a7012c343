/// Bind values as the paramValues array of a libpq call.
enum PGParameters {
    static func withCStrings<R>(
        _ binds: [any PGBindable],
        file: String,
        line: Int,
        _ body: ([UnsafePointer<CChar>?]) throws -> R
    ) throws -> R {
        let texts = binds.map(\.pgText)
        // libpq would silently cut the value at the NUL; PostgreSQL text cannot hold one anyway.
        if let position = texts.firstIndex(where: { $0?.utf8.contains(0) ?? false }) {
            throw PGError(.queryFailed, context: "parameter $\(position + 1) contains a NUL byte", file: file, line: line)
        }
        return try PGCStrings.with(texts, body)
    }
}

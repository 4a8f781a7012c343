/// Swift strings laid out as the NUL-terminated C strings libpq's array arguments want, kept alive for one call.
enum PGCStrings {
    /// nil elements stay NULL pointers (SQL NULL for parameters, the terminator for keyword lists).
    static func with<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
        // One buffer for every string rather than one allocation each: calls pass a handful of short values.
        var storage: [UInt8] = []
        storage.reserveCapacity(strings.reduce(0) { $0 + ($1?.utf8.count ?? 0) + 1 })
        var offsets: [Int?] = []
        offsets.reserveCapacity(strings.count)
        for string in strings {
            guard let string else {
                offsets.append(nil)
                continue
            }
            offsets.append(storage.count)
            storage.append(contentsOf: string.utf8)
            storage.append(0)
        }
        return try storage.withUnsafeBufferPointer { bytes in
            try bytes.withMemoryRebound(to: CChar.self) { buffer in
                let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                    guard let offset, let base = buffer.baseAddress else { return nil }
                    return base + offset
                }
                return try body(pointers)
            }
        }
    }
}

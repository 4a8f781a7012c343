/// One row of a `PGResult`. Columns are addressed by position, as selected.
public struct PGRow: Sendable {
    @usableFromInline let result: PGResult
    public let index: Int

    init(result: PGResult, index: Int) {
        self.result = result
        self.index = index
    }

    public var columnCount: Int { result.columnCount }

    /// True for SQL NULL (and for a column that does not exist).
    public func isNull(_ column: Int) -> Bool {
        result.isNull(row: index, column: column)
    }

    /// The column's value; SQL NULL is an error here; decode `T?` where NULL is expected.
    // Inlinable so that callers get it specialized for their types: unspecialized, every call looked up the
    // runtime type metadata of `T?`, a large share of reading wide rows.
    @inlinable
    public func decode<T: PGDecodable>(
        _ type: T.Type, _ column: Int, file: String = #fileID, line: Int = #line
    ) throws -> T {
        guard let value = try decode(T?.self, column, file: file, line: line) else {
            throw PGError(.decodingFailed, context: "column \(column) is NULL, expected \(T.self)", file: file, line: line)
        }
        return value
    }

    /// The column's value, or nil for SQL NULL.
    @inlinable
    public func decode<T: PGDecodable>(
        _ type: T?.Type, _ column: Int, file: String = #fileID, line: Int = #line
    ) throws -> T? {
        guard (0..<result.columnCount).contains(column) else {
            throw PGError(
                .decodingFailed, context: "column \(column) does not exist, the row has \(result.columnCount)",
                file: file, line: line)
        }
        if result.isNull(row: index, column: column) { return nil }
        do {
            return try T(pgText: result.text(row: index, column: column))
        } catch var error as PGError {
            error.context = "column \(column): " + (error.context ?? "invalid value")
            throw error.located(file: file, line: line)
        }
    }
}

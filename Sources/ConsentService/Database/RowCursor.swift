import PGClient

/// Reads a row's columns in select-list order, so that a long select list and its decoding cannot drift
/// apart by index.
struct RowCursor {
    private let row: PGRow
    private var column = 0

    init(_ row: PGRow, startingAt column: Int = 0) {
        self.row = row
        self.column = column
    }

    var isNullAhead: Bool { row.isNull(column) }

    /// Moves past `count` columns unread (the columns of a join that found nothing).
    mutating func skip(_ count: Int) {
        column += count
    }

    mutating func next<T: PGDecodable>(_ type: T.Type = T.self) throws -> T {
        defer { column += 1 }
        return try row.decode(T.self, column)
    }

    mutating func next<T: PGDecodable>(_ type: T?.Type = T?.self) throws -> T? {
        defer { column += 1 }
        return try row.decode(T?.self, column)
    }
}

/// Selects a timestamptz as microseconds since the epoch, the precision `Instant` keeps.
func microseconds(_ column: String) -> String {
    "(extract(epoch FROM \(column)) * 1000000)::bigint"
}

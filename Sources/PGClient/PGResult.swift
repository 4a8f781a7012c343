import CLibPQ

/// The rows (or command status) a statement produced. Owns the libpq result and frees it when the last
/// reference (including any `PGRow` taken from it) goes away.
///
/// Sendable because libpq results are read-only once made and may be read from several threads at once (libpq's
/// documentation on thread safety), which lets a large result be decoded on several cores. It stays valid after
/// its lease, but decoding inside the lease and returning plain values is still the rule.
public final class PGResult: @unchecked Sendable {
    private let handle: OpaquePointer

    /// Takes ownership of `handle`.
    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }

    public var rowCount: Int { Int(PQntuples(handle)) }

    public var columnCount: Int { Int(PQnfields(handle)) }

    /// Rows inserted, updated, deleted, copied… as the command tag reports; 0 for commands that report none.
    public var affectedRows: Int {
        guard let tuples = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: tuples)) ?? 0
    }

    /// The command tag, e.g. "INSERT 0 1" or "COPY 10000".
    public var commandStatus: String {
        guard let status = PQcmdStatus(handle) else { return "" }
        return String(cString: status)
    }

    public func columnName(_ column: Int) -> String? {
        guard (0..<columnCount).contains(column), let name = PQfname(handle, Int32(column)) else { return nil }
        return String(cString: name)
    }

    /// The index of the column called exactly `name`, if there is one.
    public func columnIndex(named name: String) -> Int? {
        (0..<columnCount).first { columnName($0) == name }
    }

    public subscript(row: Int) -> PGRow {
        precondition(indices.contains(row), "row \(row) is out of range 0..<\(rowCount)")
        return PGRow(result: self, index: row)
    }

    var status: ExecStatusType { PQresultStatus(handle) }

    /// A diagnostic field (see `PGDiagnosticField`) of an error or notice result.
    func errorField(_ code: Int32) -> String? {
        guard let value = PQresultErrorField(handle, code) else { return nil }
        return String(cString: value)
    }

    /// libpq's full error text for a failed result, or nil when there is none.
    var errorMessage: String? {
        guard let message = PQresultErrorMessage(handle), message.pointee != 0 else { return nil }
        return String(cString: message)
    }

    @usableFromInline
    func isNull(row: Int, column: Int) -> Bool {
        PQgetisnull(handle, Int32(row), Int32(column)) != 0
    }

    /// The value's text; only valid for in-range, non-NULL fields.
    @usableFromInline
    func text(row: Int, column: Int) -> String {
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        guard let value = PQgetvalue(handle, Int32(row), Int32(column)) else { return "" }
        return value.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
        }
    }
}

extension PGResult: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }
}

/// A stored value that the service could not have written: a sign of tampering or of a missed migration.
struct StoredDataError: Error, CustomStringConvertible {
    let column: String
    var description: String { "unexpected stored value in column \(column)" }
}

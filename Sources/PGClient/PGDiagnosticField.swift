import CLibPQ

/// The PG_DIAG_* field codes of postgres_ext.h, which are character-literal macros Swift does not import.
enum PGDiagnosticField {
    static let severityNonLocalized = code("V")
    static let sqlState = code("C")
    static let messagePrimary = code("M")
    static let messageDetail = code("D")
    static let constraintName = code("n")

    private static func code(_ letter: Unicode.Scalar) -> Int32 {
        Int32(UInt8(ascii: letter))
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A value that can be sent as a statement parameter. Parameters travel in libpq's text format and the
/// server infers their types from the statement, so each conformance only has to produce the text the
/// type's input function accepts.
public protocol PGBindable: Sendable {
    /// The parameter in PostgreSQL text format; nil binds SQL NULL.
    var pgText: String? { get }
}

extension String: PGBindable {
    public var pgText: String? { self }
}

extension Int: PGBindable {
    public var pgText: String? { String(self) }
}

extension Int64: PGBindable {
    public var pgText: String? { String(self) }
}

extension Int32: PGBindable {
    public var pgText: String? { String(self) }
}

extension Int16: PGBindable {
    public var pgText: String? { String(self) }
}

extension Bool: PGBindable {
    public var pgText: String? { self ? "true" : "false" }
}

extension Double: PGBindable {
    // Swift prints "inf"/"nan", which float8in rejects; these spellings are the ones it accepts.
    public var pgText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return String(self)
    }
}

extension UUID: PGBindable {
    public var pgText: String? { uuidString.lowercased() }
}

extension Array: PGBindable where Element == UInt8 {
    /// bytea in hex format, which needs no escaping whatever the bytes are.
    public var pgText: String? { "\\x" + PGHex.encode(self) }
}

extension Optional: PGBindable where Wrapped: PGBindable {
    public var pgText: String? {
        switch self {
        case .some(let value): value.pgText
        case .none: nil
        }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A Swift type a column value can be read as. Results arrive in libpq's text format, so each conformance
/// parses the text the type's output function prints.
public protocol PGDecodable {
    /// Throws `PGError(.decodingFailed)` when the text is not a valid value of the type.
    init(pgText: String) throws
}

extension PGDecodable {
    /// The error every conformance throws; it names the Swift type but never the text, which is data.
    static func decodingFailed() -> PGError {
        PGError(.decodingFailed, context: "column value is not a valid \(Self.self)")
    }
}

extension String: PGDecodable {
    public init(pgText: String) {
        self = pgText
    }
}

extension Int: PGDecodable {
    public init(pgText: String) throws {
        guard let value = Int(pgText) else { throw Self.decodingFailed() }
        self = value
    }
}

extension Int64: PGDecodable {
    public init(pgText: String) throws {
        guard let value = Int64(pgText) else { throw Self.decodingFailed() }
        self = value
    }
}

extension Int32: PGDecodable {
    public init(pgText: String) throws {
        guard let value = Int32(pgText) else { throw Self.decodingFailed() }
        self = value
    }
}

extension Int16: PGDecodable {
    public init(pgText: String) throws {
        guard let value = Int16(pgText) else { throw Self.decodingFailed() }
        self = value
    }
}

extension Bool: PGDecodable {
    public init(pgText: String) throws {
        switch pgText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw Self.decodingFailed()
        }
    }
}

extension Double: PGDecodable {
    public init(pgText: String) throws {
        switch pgText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(pgText) else { throw Self.decodingFailed() }
            self = value
        }
    }
}

extension UUID: PGDecodable {
    public init(pgText: String) throws {
        guard let uuid = UUID(canonicalText: pgText) else { throw Self.decodingFailed() }
        self = uuid
    }
}

extension Array: PGDecodable where Element == UInt8 {
    /// Reads bytea in hex output format, which the pool makes every session use.
    public init(pgText: String) throws {
        let utf8 = pgText.utf8
        guard utf8.starts(with: "\\x".utf8),
              let bytes = PGHex.decode(pgText.dropFirst(2).utf8)
        else { throw Self.decodingFailed() }
        self = bytes
    }
}

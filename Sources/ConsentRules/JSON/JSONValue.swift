/// A JSON document as parsed from, or about to be written to, the wire.
///
/// Numbers keep their literal text so that nothing is lost to binary floating point and so that
/// serialising a parsed document reproduces the caller's numbers exactly (the event hash relies on it).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The literal text of a number, always a valid RFC 8259 number when produced by `parse`.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member named `key`, or nil when this is not an object or has no such member.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    public var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    public var objectValue: [String: JSONValue]? {
        guard case .object(let members) = self else { return nil }
        return members
    }

    public var arrayValue: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    public var boolValue: Bool? {
        guard case .bool(let flag) = self else { return nil }
        return flag
    }

    /// The literal text of a number value.
    public var numberText: String? {
        guard case .number(let text) = self else { return nil }
        return text
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value of an integer literal such as `12` or `-3`; nil for `12.0`, `1e2` or anything out of `Int`'s range,
    /// because a field that asks for an integer must not silently accept a rounded or scaled one.
    public var intValue: Int? {
        guard case .number(let text) = self else { return nil }
        let digits = text.utf8
        guard !digits.contains(UInt8(ascii: ".")),
              !digits.contains(UInt8(ascii: "e")),
              !digits.contains(UInt8(ascii: "E")) else { return nil }
        return Int(text)
    }

    /// A number value for an integer, spelled the way `parse` would accept it.
    public static func integer(_ value: some BinaryInteger) -> JSONValue {
        .number(String(value))
    }
}

extension JSONValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .number(String(value)) }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// A repeated key keeps its last value, as a literal cannot be rejected at run time.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

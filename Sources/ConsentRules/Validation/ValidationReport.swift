/// Collects every field error of one request, and reads JSON members with the type checks all fields share.
struct ValidationReport {
    private(set) var errors: [FieldError] = []

    var isEmpty: Bool { errors.isEmpty }

    mutating func add(_ path: String, _ message: String) {
        errors.append(FieldError(field: path, message: message))
    }

    /// Reads a member that must be an object, reporting members outside `allowedKeys` as unknown fields
    /// (the contract's shapes are fixed: a misspelt optional field must not be silently dropped).
    mutating func object(
        _ key: String, of parent: JSONObjectFields, required: Bool, allowedKeys: Set<String>
    ) -> FieldRead<JSONObjectFields> {
        let path = parent.path(of: key)
        guard let value = parent[key] else {
            if required { add(path, "is required") }
            return .absent
        }
        return object(value, at: path, allowedKeys: allowedKeys)
    }

    mutating func object(_ value: JSONValue, at path: String, allowedKeys: Set<String>) -> FieldRead<JSONObjectFields> {
        guard case .object(let members) = value else {
            add(path, "must be an object")
            return .invalid
        }
        let fields = JSONObjectFields(path: path, members: members)
        for key in members.keys.sorted() where !allowedKeys.contains(key) {
            add(fields.path(of: key), "unknown field")
        }
        return .present(fields)
    }

    mutating func string(_ key: String, of fields: JSONObjectFields, required: Bool) -> FieldRead<String> {
        let path = fields.path(of: key)
        guard let value = fields[key] else {
            if required { add(path, "is required") }
            return .absent
        }
        guard case .string(let text) = value else {
            add(path, "must be a string")
            return .invalid
        }
        return .present(text)
    }

    /// An integer literal within `range`. A number written with a fraction or exponent is not an integer here, even
    /// when its value is whole: the contract's integers are plain.
    mutating func integer(_ key: String, of fields: JSONObjectFields, in range: ClosedRange<Int>) -> FieldRead<Int> {
        let path = fields.path(of: key)
        guard let value = fields[key] else {
            add(path, "is required")
            return .absent
        }
        guard case .number(let literal) = value, Self.isIntegerLiteral(literal) else {
            add(path, "must be an integer")
            return .invalid
        }
        guard let integer = Int(literal), range.contains(integer) else {
            add(path, "must be between \(range.lowerBound) and \(range.upperBound)")
            return .invalid
        }
        return .present(integer)
    }

    private static func isIntegerLiteral(_ literal: String) -> Bool {
        let digits = literal.utf8.first == ASCII.minus ? literal.utf8.dropFirst() : literal.utf8[...]
        return !digits.isEmpty && digits.allSatisfy(ASCII.isDigit)
    }

    /// A string that must be one of an enumeration's raw values.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ key: String, of fields: JSONObjectFields, required: Bool
    ) -> FieldRead<Choice> where Choice.RawValue == String {
        switch string(key, of: fields, required: required) {
        case .absent: return .absent
        case .invalid: return .invalid
        case .present(let text):
            guard let choice = Choice(rawValue: text) else {
                let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
                add(fields.path(of: key), "must be one of: \(names)")
                return .invalid
            }
            return .present(choice)
        }
    }

    /// A string checked by `problem`, which returns the message for a bad value or nil for a good one.
    mutating func checkedString(
        _ key: String, of fields: JSONObjectFields, required: Bool, _ problem: (String) -> String?
    ) -> FieldRead<String> {
        let read = string(key, of: fields, required: required)
        guard case .present(let text) = read else { return read }
        if let message = problem(text) {
            add(fields.path(of: key), message)
            return .invalid
        }
        return read
    }
}

/// The members of one JSON object and where it sits in the request.
struct JSONObjectFields {
    let path: String
    let members: [String: JSONValue]

    func path(of key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// The member, with an explicit `null` read as absent: clients that echo a response back send `null` for the
    /// optional fields they leave out.
    subscript(key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }
}

extension ValidationReport {
    mutating func date(_ key: String, of fields: JSONObjectFields, required: Bool) -> FieldRead<LocalDate> {
        switch string(key, of: fields, required: required) {
        case .absent: return .absent
        case .invalid: return .invalid
        case .present(let text):
            guard let date = LocalDate(iso: text) else {
                add(fields.path(of: key), "must be a date written YYYY-MM-DD")
                return .invalid
            }
            return .present(date)
        }
    }

    mutating func instant(_ key: String, of fields: JSONObjectFields, required: Bool) -> FieldRead<Instant> {
        switch string(key, of: fields, required: required) {
        case .absent: return .absent
        case .invalid: return .invalid
        case .present(let text):
            guard let instant = Instant(rfc3339: text) else {
                add(fields.path(of: key), "must be an RFC 3339 date-time with a time zone offset")
                return .invalid
            }
            return .present(instant)
        }
    }
}

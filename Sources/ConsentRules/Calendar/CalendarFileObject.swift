/// One object of a calendar data file, read strictly: unknown keys and wrong types are errors, because a misspelt
/// key in a holiday file would otherwise silently change which days are business days.
struct CalendarFileObject {
    let path: String
    private let members: [String: JSONValue]

    init(_ value: JSONValue, path: String, allowedKeys: Set<String>) throws(HolidayCalendarError) {
        guard case .object(let members) = value else {
            throw HolidayCalendarError(path: path, reason: "must be an object")
        }
        self.path = path
        self.members = members
        if let unknown = members.keys.sorted().first(where: { !allowedKeys.contains($0) }) {
            throw HolidayCalendarError(path: self.path(of: unknown), reason: "unknown key")
        }
    }

    func path(of key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    func has(_ key: String) -> Bool {
        members[key] != nil
    }

    func value(_ key: String) throws(HolidayCalendarError) -> JSONValue {
        guard let value = members[key] else { throw HolidayCalendarError(path: path(of: key), reason: "is required") }
        return value
    }

    func string(_ key: String) throws(HolidayCalendarError) -> String {
        guard case .string(let text) = try value(key), !text.isEmpty else {
            throw HolidayCalendarError(path: path(of: key), reason: "must be a non-empty string")
        }
        return text
    }

    func optionalString(_ key: String) throws(HolidayCalendarError) -> String? {
        has(key) ? try string(key) : nil
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(HolidayCalendarError) -> Int {
        guard let integer = try value(key).intValue, range.contains(integer) else {
            throw HolidayCalendarError(
                path: path(of: key), reason: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return integer
    }

    func optionalInteger(_ key: String, in range: ClosedRange<Int>) throws(HolidayCalendarError) -> Int? {
        has(key) ? try integer(key, in: range) : nil
    }

    func object(_ key: String, allowedKeys: Set<String>) throws(HolidayCalendarError) -> CalendarFileObject {
        try CalendarFileObject(try value(key), path: path(of: key), allowedKeys: allowedKeys)
    }

    func optionalObject(_ key: String, allowedKeys: Set<String>) throws(HolidayCalendarError) -> CalendarFileObject? {
        has(key) ? try object(key, allowedKeys: allowedKeys) : nil
    }

    /// The elements with their paths, e.g. `rules[0]`.
    func array(_ key: String) throws(HolidayCalendarError) -> [(value: JSONValue, path: String)] {
        guard case .array(let elements) = try value(key) else {
            throw HolidayCalendarError(path: path(of: key), reason: "must be an array")
        }
        return elements.enumerated().map { (value: $0.element, path: "\(path(of: key))[\($0.offset)]") }
    }

    func optionalArray(_ key: String) throws(HolidayCalendarError) -> [(value: JSONValue, path: String)] {
        has(key) ? try array(key) : []
    }

    func date(_ key: String) throws(HolidayCalendarError) -> LocalDate {
        guard let date = LocalDate(iso: try string(key)) else {
            throw HolidayCalendarError(path: path(of: key), reason: "must be a date written YYYY-MM-DD")
        }
        return date
    }

    func weekday(_ value: JSONValue, path: String) throws(HolidayCalendarError) -> Int {
        guard let name = value.stringValue, let weekday = Weekday.number(named: name) else {
            throw HolidayCalendarError(path: path, reason: "must be a weekday name in lower case, such as \"monday\"")
        }
        return weekday
    }

    /// A list of distinct weekday names.
    func weekdays(_ key: String) throws(HolidayCalendarError) -> Set<Int> {
        var weekdays: Set<Int> = []
        for element in try array(key) {
            let weekday = try weekday(element.value, path: element.path)
            guard weekdays.insert(weekday).inserted else {
                throw HolidayCalendarError(path: element.path, reason: "repeats a weekday")
            }
        }
        return weekdays
    }

    /// An object from weekday names to day offsets, such as `{"saturday": -1, "sunday": 1}`.
    func weekdayOffsets(_ key: String, in range: ClosedRange<Int>) throws(HolidayCalendarError) -> [Int: Int] {
        let offsets = try object(key, allowedKeys: Set(Weekday.names))
        var table: [Int: Int] = [:]
        for (index, name) in Weekday.names.enumerated() where offsets.has(name) {
            let offset = try offsets.integer(name, in: range)
            guard offset != 0 else { throw HolidayCalendarError(path: offsets.path(of: name), reason: "must not be 0") }
            table[index + 1] = offset
        }
        guard !table.isEmpty else { throw HolidayCalendarError(path: path(of: key), reason: "must name a weekday") }
        return table
    }
}

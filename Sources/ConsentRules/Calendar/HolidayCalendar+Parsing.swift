extension HolidayCalendar {
    static let fileKeys: Set<String> = ["country", "name", "note", "coverage", "weekend", "rules", "extraDates", "removedDates"]
    static let ruleKeys: Set<String> = [
        "name", "note", "month", "day", "easterOffset", "weekday", "nth", "from", "until", "onlyWhen", "exceptWhen",
        "substitute", "observed", "moved",
    ]
    static let conditionKeys: Set<String> = ["month", "day", "weekdays"]
    static let defaultWeekend: Set<Int> = [6, 7]
    /// Every covered year is worked out when the file is loaded; this bounds the work a typo could cause.
    static let maximumCoverageYears = 500

    /// Reads a calendar data file (the format is described in `calendars/README.md`).
    public static func parse(_ bytes: some Collection<UInt8>) throws(HolidayCalendarError) -> HolidayCalendar {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw HolidayCalendarError(path: "", reason: "not valid JSON: \(error)")
        }
        let file = try CalendarFileObject(document, path: "", allowedKeys: fileKeys)

        let country = try file.string("country")
        guard country.utf8.count == 2, country.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else {
            throw HolidayCalendarError(path: "country", reason: "must be an ISO 3166-1 alpha-2 code in upper case")
        }
        let coverage = try parseCoverage(file)
        let weekend = file.has("weekend") ? try file.weekdays("weekend") : defaultWeekend
        guard weekend.count < 7 else { throw HolidayCalendarError(path: "weekend", reason: "must leave at least one working day") }

        var rules: [HolidayRule] = []
        for element in try file.array("rules") {
            rules.append(try parseRule(CalendarFileObject(element.value, path: element.path, allowedKeys: ruleKeys)))
        }
        var extraDates: [NamedHoliday] = []
        for element in try file.optionalArray("extraDates") {
            let extra = try CalendarFileObject(element.value, path: element.path, allowedKeys: ["date", "name", "note"])
            extraDates.append(NamedHoliday(date: try extra.date("date"), name: try extra.string("name")))
        }
        var removedDates: Set<LocalDate> = []
        for element in try file.optionalArray("removedDates") {
            let removal = try CalendarFileObject(element.value, path: element.path, allowedKeys: ["date", "note"])
            removedDates.insert(try removal.date("date"))
        }

        return HolidayCalendar(
            country: country, name: try file.optionalString("name") ?? country, coverage: coverage, weekend: weekend,
            rules: rules, extraDates: extraDates, removedDates: removedDates)
    }

    private static func parseCoverage(_ file: CalendarFileObject) throws(HolidayCalendarError) -> ClosedRange<Int> {
        let coverage = try file.object("coverage", allowedKeys: ["from", "until"])
        let from = try coverage.integer("from", in: 1...9999)
        let until = try coverage.integer("until", in: 1...9999)
        guard from <= until else { throw HolidayCalendarError(path: "coverage.until", reason: "must not be before from") }
        guard until - from < maximumCoverageYears else {
            throw HolidayCalendarError(path: "coverage", reason: "must span at most \(maximumCoverageYears) years")
        }
        return from...until
    }

    private static func parseRule(_ rule: CalendarFileObject) throws(HolidayCalendarError) -> HolidayRule {
        let name = try rule.string("name")
        let from = try rule.optionalInteger("from", in: 1...9999)
        let until = try rule.optionalInteger("until", in: 1...9999)
        let years = (from ?? Int.min)...max(until ?? Int.max, from ?? Int.min)
        if let from, let until, until < from {
            throw HolidayCalendarError(path: rule.path(of: "until"), reason: "must not be before from")
        }
        return HolidayRule(
            name: name,
            pattern: try parsePattern(rule),
            years: years,
            onlyWhen: try parseCondition(rule, key: "onlyWhen"),
            exceptWhen: try parseCondition(rule, key: "exceptWhen"),
            weekendPolicy: try parseWeekendPolicy(rule))
    }

    private static func parsePattern(_ rule: CalendarFileObject) throws(HolidayCalendarError) -> HolidayRule.DatePattern {
        if rule.has("easterOffset") {
            if let clash = ["month", "day", "weekday", "nth"].first(where: rule.has) {
                throw HolidayCalendarError(path: rule.path(of: clash), reason: "cannot be combined with easterOffset")
            }
            return .easter(offset: try rule.integer("easterOffset", in: -366...366))
        }
        if rule.has("weekday") {
            if rule.has("day") {
                throw HolidayCalendarError(path: rule.path(of: "day"), reason: "cannot be combined with weekday")
            }
            let month = try rule.integer("month", in: 1...12)
            let weekday = try rule.weekday(try rule.value("weekday"), path: rule.path(of: "weekday"))
            let nth = try rule.integer("nth", in: -5...5)
            guard nth != 0 else {
                throw HolidayCalendarError(path: rule.path(of: "nth"), reason: "must be 1 to 5, or -1 (last) to -5")
            }
            return .nthWeekday(month: month, weekday: weekday, nth: nth)
        }
        if rule.has("month") || rule.has("day") {
            let (month, day) = try parseMonthAndDay(rule)
            if rule.has("nth") {
                throw HolidayCalendarError(path: rule.path(of: "nth"), reason: "needs a weekday")
            }
            return .fixed(month: month, day: day)
        }
        throw HolidayCalendarError(
            path: rule.path, reason: "needs month and day, easterOffset, or month, weekday and nth")
    }

    /// A month and day that exist at least in leap years.
    private static func parseMonthAndDay(_ object: CalendarFileObject) throws(HolidayCalendarError) -> (month: Int, day: Int) {
        let month = try object.integer("month", in: 1...12)
        let day = try object.integer("day", in: 1...LocalDate.daysIn(month: month, year: 2000))
        return (month, day)
    }

    private static func parseCondition(
        _ rule: CalendarFileObject, key: String
    ) throws(HolidayCalendarError) -> HolidayRule.WeekdayCondition? {
        guard let condition = try rule.optionalObject(key, allowedKeys: conditionKeys) else { return nil }
        let (month, day) = try parseMonthAndDay(condition)
        return HolidayRule.WeekdayCondition(month: month, day: day, weekdays: try condition.weekdays("weekdays"))
    }

    private static func parseWeekendPolicy(_ rule: CalendarFileObject) throws(HolidayCalendarError) -> HolidayRule.WeekendPolicy {
        let given = ["substitute", "observed", "moved"].filter(rule.has)
        guard given.count <= 1 else {
            throw HolidayCalendarError(path: rule.path(of: given[1]), reason: "cannot be combined with \(given[0])")
        }
        switch given.first {
        case "substitute":
            guard try rule.string("substitute") == "nextFreeWeekday" else {
                throw HolidayCalendarError(path: rule.path(of: "substitute"), reason: "must be \"nextFreeWeekday\"")
            }
            return .substituteNextFreeWeekday
        case "observed":
            return .observed(offsets: try rule.weekdayOffsets("observed", in: -6...6))
        case "moved":
            return .moved(offsets: try rule.weekdayOffsets("moved", in: -6...6))
        default:
            return .none
        }
    }
}

import Testing
@testable import ConsentRules

@Suite("Holiday calendar rules")
struct HolidayCalendarTests {
    private typealias Support = CalendarTestSupport
    private func date(_ iso: String) -> LocalDate { Support.date(iso) }

    @Test(arguments: [(2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"),
                      (2028, "2028-04-16"), (2029, "2029-04-01"), (2030, "2030-04-21"), (2031, "2031-04-13"),
                      (2032, "2032-03-28"), (2033, "2033-04-17"), (2034, "2034-04-09"), (2035, "2035-03-25"),
                      (1818, "1818-03-22"), (2285, "2285-03-22"), (1943, "1943-04-25"), (2038, "2038-04-25"),
                      (2000, "2000-04-23"), (2019, "2019-04-21")])
    func computesWesternEaster(_ year: Int, _ sunday: String) {
        #expect(Easter.sunday(in: year).iso == sunday)
    }

    @Test func findsNthAndLastWeekdays() {
        // May 2026 starts on a Friday.
        #expect(HolidayRule.nthWeekday(1, weekday: 1, month: 5, year: 2026)?.iso == "2026-05-04")
        #expect(HolidayRule.nthWeekday(4, weekday: 1, month: 5, year: 2026)?.iso == "2026-05-25")
        #expect(HolidayRule.nthWeekday(-1, weekday: 1, month: 5, year: 2026)?.iso == "2026-05-25")
        #expect(HolidayRule.nthWeekday(5, weekday: 5, month: 5, year: 2026)?.iso == "2026-05-29")
        #expect(HolidayRule.nthWeekday(5, weekday: 1, month: 5, year: 2026) == nil)
        #expect(HolidayRule.nthWeekday(-1, weekday: 7, month: 5, year: 2026)?.iso == "2026-05-31")
        #expect(HolidayRule.nthWeekday(-2, weekday: 7, month: 5, year: 2026)?.iso == "2026-05-24")
        #expect(HolidayRule.nthWeekday(-5, weekday: 7, month: 5, year: 2026)?.iso == "2026-05-03")
        #expect(HolidayRule.nthWeekday(-5, weekday: 1, month: 5, year: 2026) == nil)
        #expect(HolidayRule.nthWeekday(1, weekday: 5, month: 5, year: 2026)?.iso == "2026-05-01")
        #expect(HolidayRule.nthWeekday(-1, weekday: 4, month: 2, year: 2024)?.iso == "2024-02-29")
    }

    @Test func appliesEachKindOfRule() throws {
        let calendar = try Support.calendar(rules: #"""
            {"name": "Fixed", "month": 3, "day": 15},
            {"name": "Leap", "month": 2, "day": 29},
            {"name": "Easter Monday", "easterOffset": 1},
            {"name": "Last Monday of May", "month": 5, "weekday": "monday", "nth": -1},
            {"name": "Fifth Monday of March", "month": 3, "weekday": "monday", "nth": 5}
        """#)
        #expect(Support.listing(calendar, 2026) == [
            "2026-03-15 Fixed", "2026-03-30 Fifth Monday of March", "2026-04-06 Easter Monday", "2026-05-25 Last Monday of May",
        ])
        #expect(Support.listing(calendar, 2028) == [
            "2028-02-29 Leap", "2028-03-15 Fixed", "2028-04-17 Easter Monday", "2028-05-29 Last Monday of May",
        ])
        #expect(calendar.country == "XX")
        #expect(calendar.name == "XX")
        #expect(calendar.coverage == 2024...2035)
        #expect(calendar.weekend == [6, 7])
    }

    @Test func honoursFromAndUntil() throws {
        let calendar = try Support.calendar(rules: #"""
            {"name": "Old", "month": 6, "day": 1, "until": 2025},
            {"name": "New", "month": 6, "day": 2, "from": 2026},
            {"name": "Window", "month": 6, "day": 3, "from": 2027, "until": 2027}
        """#)
        #expect(Support.listing(calendar, 2025) == ["2025-06-01 Old"])
        #expect(Support.listing(calendar, 2026) == ["2026-06-02 New"])
        #expect(Support.listing(calendar, 2027) == ["2027-06-02 New", "2027-06-03 Window"])
        #expect(Support.listing(calendar, 2050) == ["2050-06-02 New"])
    }

    @Test func honoursWeekdayConditions() throws {
        let calendar = try Support.calendar(rules: #"""
            {"name": "Brigid", "month": 2, "weekday": "monday", "nth": 1, "exceptWhen": {"month": 2, "day": 1, "weekdays": ["friday"]}},
            {"name": "Brigid", "month": 2, "day": 1, "onlyWhen": {"month": 2, "day": 1, "weekdays": ["friday"]}}
        """#)
        #expect(Support.listing(calendar, 2026) == ["2026-02-02 Brigid"])
        #expect(Support.listing(calendar, 2030) == ["2030-02-01 Brigid"])
        #expect(Support.listing(calendar, 2036) == ["2036-02-01 Brigid"])
    }

    @Test func substitutesTheNextFreeWeekday() throws {
        let calendar = try Support.calendar(rules: #"""
            {"name": "Christmas Day", "month": 12, "day": 25, "substitute": "nextFreeWeekday"},
            {"name": "Boxing Day", "month": 12, "day": 26, "substitute": "nextFreeWeekday"}
        """#)
        // Saturday and Sunday: Monday and Tuesday.
        #expect(Support.listing(calendar, 2027) == [
            "2027-12-25 Christmas Day", "2027-12-26 Boxing Day", "2027-12-27 Christmas Day (substitute day)",
            "2027-12-28 Boxing Day (substitute day)",
        ])
        // Sunday and Monday: Christmas moves past Boxing Day to Tuesday.
        #expect(Support.listing(calendar, 2022) == [
            "2022-12-25 Christmas Day", "2022-12-26 Boxing Day", "2022-12-27 Christmas Day (substitute day)",
        ])
        // Friday and Saturday: Boxing Day to Monday.
        #expect(Support.daysOff(calendar, 2026) == ["2026-12-25", "2026-12-28"])
        #expect(Support.daysOff(calendar, 2024) == ["2024-12-25", "2024-12-26"])
    }

    @Test func substitutesSkipExtraDates() throws {
        let calendar = try Support.calendar(
            rules: #"{"name": "Day", "month": 6, "day": 6, "substitute": "nextFreeWeekday"}"#,
            extra: #", "extraDates": [{"date": "2027-06-07", "name": "One-off"}]"#)
        // 6 June 2027 is a Sunday; Monday is already the one-off holiday.
        #expect(Support.listing(calendar, 2027) == ["2027-06-06 Day", "2027-06-07 One-off", "2027-06-08 Day (substitute day)"])
    }

    @Test func observesAcrossTheYearBoundary() throws {
        let calendar = try Support.calendar(rules: #"""
            {"name": "New Year's Day", "month": 1, "day": 1, "observed": {"saturday": -1, "sunday": 1}},
            {"name": "Independence Day", "month": 7, "day": 4, "observed": {"saturday": -1, "sunday": 1}}
        """#)
        #expect(Support.listing(calendar, 2027) == [
            "2027-01-01 New Year's Day", "2027-07-04 Independence Day", "2027-07-05 Independence Day (observed)",
            "2027-12-31 New Year's Day (observed)",
        ])
        #expect(Support.listing(calendar, 2028) == ["2028-01-01 New Year's Day", "2028-07-04 Independence Day"])
        #expect(!calendar.isBusinessDay(date("2027-12-31")))
        #expect(calendar.isBusinessDay(date("2028-01-03")))
        // Outside the covered years the same rules apply.
        #expect(Support.listing(calendar, 2022) == [
            "2022-01-01 New Year's Day", "2022-07-04 Independence Day",
        ])
        #expect(Support.listing(calendar, 2021).last == "2021-12-31 New Year's Day (observed)")
    }

    @Test func movesHolidays() throws {
        let calendar = try Support.calendar(rules: #"{"name": "King's Day", "month": 4, "day": 27, "moved": {"sunday": -1}}"#)
        #expect(Support.listing(calendar, 2025) == ["2025-04-26 King's Day"])
        #expect(Support.listing(calendar, 2026) == ["2026-04-27 King's Day"])
        #expect(calendar.isBusinessDay(date("2025-04-28")))
    }

    @Test func addsAndRemovesDates() throws {
        let calendar = try Support.calendar(
            rules: #"""
                {"name": "Early May", "month": 5, "weekday": "monday", "nth": 1},
                {"name": "Boxing Day", "month": 12, "day": 26, "substitute": "nextFreeWeekday"}
            """#,
            extra: #"""
                , "extraDates": [{"date": "2027-05-07", "name": "Moved Early May", "note": "one year only"}],
                "removedDates": [{"date": "2027-05-03", "note": "moved"}, {"date": "2027-12-26"}]
            """#)
        #expect(Support.listing(calendar, 2027) == ["2027-05-07 Moved Early May"])
        #expect(Support.listing(calendar, 2026) == ["2026-05-04 Early May", "2026-12-26 Boxing Day", "2026-12-28 Boxing Day (substitute day)"])
        #expect(calendar.isBusinessDay(date("2027-05-03")))
        #expect(!calendar.isBusinessDay(date("2027-05-07")))
        #expect(calendar.isBusinessDay(date("2027-12-27")))
    }

    @Test func removingASubstituteDayKeepsTheHoliday() throws {
        let calendar = try Support.calendar(
            rules: #"{"name": "Boxing Day", "month": 12, "day": 26, "substitute": "nextFreeWeekday"}"#,
            extra: #", "removedDates": [{"date": "2026-12-28"}]"#)
        #expect(Support.listing(calendar, 2026) == ["2026-12-26 Boxing Day"])
    }

    @Test func supportsOtherWeekends() throws {
        let calendar = try Support.parse(#"""
            {"country": "AE", "coverage": {"from": 2026, "until": 2026}, "weekend": ["friday", "saturday"],
             "rules": [{"name": "Day", "month": 1, "day": 2, "substitute": "nextFreeWeekday"}]}
        """#)
        // 2 January 2026 is a Friday: the substitute is Sunday, a working day there.
        #expect(Support.listing(calendar, 2026) == ["2026-01-02 Day", "2026-01-04 Day (substitute day)"])
        #expect(calendar.isBusinessDay(date("2026-01-01")))
        #expect(!calendar.isBusinessDay(date("2026-01-03")))
        #expect(calendar.isBusinessDay(date("2026-01-05")))
        let noWeekend = try Support.parse(#"{"country": "ZZ", "coverage": {"from": 2026, "until": 2026}, "weekend": [], "rules": []}"#)
        #expect(noWeekend.isBusinessDay(date("2026-11-21")))
    }

    @Test func countsBusinessDays() throws {
        let calendar = try Support.calendar(rules: #"{"name": "Holiday", "month": 11, "day": 25}"#)
        let saturday = date("2026-11-21")
        #expect(!calendar.isBusinessDay(saturday))
        #expect(calendar.nextBusinessDay(onOrAfter: saturday).iso == "2026-11-23")
        #expect(calendar.nextBusinessDay(onOrAfter: date("2026-11-23")).iso == "2026-11-23")
        #expect(calendar.nextBusinessDay(onOrAfter: date("2026-11-25")).iso == "2026-11-26")
        #expect(calendar.addingBusinessDays(0, to: saturday) == saturday)
        #expect(calendar.addingBusinessDays(1, to: saturday).iso == "2026-11-23")
        #expect(calendar.addingBusinessDays(2, to: date("2026-11-23")).iso == "2026-11-26")
        #expect(calendar.addingBusinessDays(5, to: date("2026-11-23")).iso == "2026-12-01")
        #expect(calendar.addingBusinessDays(-1, to: date("2026-11-23")).iso == "2026-11-20")
        #expect(calendar.addingBusinessDays(-1, to: date("2026-11-26")).iso == "2026-11-24")
        #expect(calendar.addingBusinessDays(2, to: date("2026-12-31")).iso == "2027-01-04")
        #expect(calendar.isHoliday(date("2026-11-25")))
        #expect(calendar.isHoliday(date("2040-11-25")))
        #expect(!calendar.isHoliday(date("2040-11-26")))
    }

    @Test func keepsFileNameAndNote() throws {
        let calendar = try Support.parse(#"""
            {"country": "GB", "name": "England and Wales", "note": "maintainers' remark",
             "coverage": {"from": 2024, "until": 2024}, "rules": []}
        """#)
        #expect(calendar.name == "England and Wales")
        #expect(calendar.holidays(in: 2024).isEmpty)
    }

    // MARK: malformed files

    private func parseError(_ text: String) -> HolidayCalendarError? {
        do {
            _ = try Support.parse(text)
            return nil
        } catch {
            return error
        }
    }

    private func ruleError(_ rule: String) -> String? {
        parseError(#"{"country": "XX", "coverage": {"from": 2024, "until": 2035}, "rules": [\#(rule)]}"#)?.description
    }

    @Test func refusesMalformedFiles() {
        #expect(parseError("")?.reason.hasPrefix("not valid JSON") == true)
        #expect(parseError("{\"country\": \"GB\",}")?.reason.hasPrefix("not valid JSON") == true)
        #expect(parseError("[]")?.description == "must be an object")
        #expect(parseError(#"{"coverage": {"from": 2024, "until": 2035}, "rules": []}"#)?.description == "country: is required")
        #expect(parseError(#"{"country": "gb", "coverage": {"from": 2024, "until": 2035}, "rules": []}"#)?.description
                == "country: must be an ISO 3166-1 alpha-2 code in upper case")
        #expect(parseError(#"{"country": "GBR", "coverage": {"from": 2024, "until": 2035}, "rules": []}"#) != nil)
        #expect(parseError(#"{"country": "GB", "rules": []}"#)?.description == "coverage: is required")
        #expect(parseError(#"{"country": "GB", "coverage": {"from": 2024, "until": 2035}}"#)?.description == "rules: is required")
        #expect(parseError(#"{"country": "GB", "coverage": {"from": 2024, "until": 2035}, "rules": {}}"#)?.description == "rules: must be an array")
        #expect(parseError(#"{"country": "GB", "coverage": {"from": 2024, "until": 2035}, "rules": [], "holidays": []}"#)?.description
                == "holidays: unknown key")
        #expect(parseError(#"{"country": "GB", "coverage": {"from": 2030, "until": 2024}, "rules": []}"#)?.description
                == "coverage.until: must not be before from")
        #expect(parseError(#"{"country": "GB", "coverage": {"from": 1000, "until": 2000}, "rules": []}"#)?.description
                == "coverage: must span at most 500 years")
        #expect(parseError(#"{"country": "GB", "coverage": {"from": "2024", "until": 2035}, "rules": []}"#)?.description
                == "coverage.from: must be an integer from 1 to 9999")
        #expect(parseError(#"{"country": "GB", "coverage": {"from": 2024, "until": 2035, "to": 1}, "rules": []}"#)?.description
                == "coverage.to: unknown key")
    }

    @Test func refusesBadWeekends() {
        let base = #"{"country": "GB", "coverage": {"from": 2024, "until": 2035}, "rules": [], "weekend": "#
        #expect(parseError(base + #"["saturday", "saturday"]}"#)?.description == "weekend[1]: repeats a weekday")
        #expect(parseError(base + #"["Saturday"]}"#)?.description == #"weekend[0]: must be a weekday name in lower case, such as "monday""#)
        #expect(parseError(base + #"["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]}"#)?.description
                == "weekend: must leave at least one working day")
        #expect(parseError(base + #""saturday"}"#)?.description == "weekend: must be an array")
    }

    @Test func refusesBadRules() {
        #expect(ruleError(#"{"month": 1, "day": 1}"#) == "rules[0].name: is required")
        #expect(ruleError(#"{"name": "", "month": 1, "day": 1}"#) == "rules[0].name: must be a non-empty string")
        #expect(ruleError(#"{"name": "X"}"#) == "rules[0]: needs month and day, easterOffset, or month, weekday and nth")
        #expect(ruleError(#"{"name": "X", "month": 13, "day": 1}"#) == "rules[0].month: must be an integer from 1 to 12")
        #expect(ruleError(#"{"name": "X", "month": 2, "day": 30}"#) == "rules[0].day: must be an integer from 1 to 29")
        #expect(ruleError(#"{"name": "X", "month": 4, "day": 31}"#) == "rules[0].day: must be an integer from 1 to 30")
        #expect(ruleError(#"{"name": "X", "month": 4}"#) == "rules[0].day: is required")
        #expect(ruleError(#"{"name": "X", "day": 4}"#) == "rules[0].month: is required")
        #expect(ruleError(#"{"name": "X", "month": 1.0, "day": 1}"#) == "rules[0].month: must be an integer from 1 to 12")
        #expect(ruleError(#"{"name": "X", "easterOffset": 1, "month": 4}"#) == "rules[0].month: cannot be combined with easterOffset")
        #expect(ruleError(#"{"name": "X", "easterOffset": 400}"#) == "rules[0].easterOffset: must be an integer from -366 to 366")
        #expect(ruleError(#"{"name": "X", "month": 5, "weekday": "monday", "nth": 1, "day": 3}"#) == "rules[0].day: cannot be combined with weekday")
        #expect(ruleError(#"{"name": "X", "month": 5, "weekday": "monday", "nth": 0}"#) == "rules[0].nth: must be 1 to 5, or -1 (last) to -5")
        #expect(ruleError(#"{"name": "X", "month": 5, "weekday": "monday", "nth": 6}"#) == "rules[0].nth: must be an integer from -5 to 5")
        #expect(ruleError(#"{"name": "X", "month": 5, "weekday": "monday"}"#) == "rules[0].nth: is required")
        #expect(ruleError(#"{"name": "X", "month": 5, "weekday": "mon", "nth": 1}"#) == #"rules[0].weekday: must be a weekday name in lower case, such as "monday""#)
        #expect(ruleError(#"{"name": "X", "month": 5, "day": 1, "nth": 1}"#) == "rules[0].nth: needs a weekday")
        #expect(ruleError(#"{"name": "X", "month": 5, "day": 1, "date": "05-01"}"#) == "rules[0].date: unknown key")
        #expect(ruleError(#"{"name": "X", "month": 5, "day": 1, "from": 2030, "until": 2020}"#) == "rules[0].until: must not be before from")
        #expect(ruleError(#"{"name": "X", "month": 5, "day": 1, "substitute": "nextMonday"}"#) == #"rules[0].substitute: must be "nextFreeWeekday""#)
        #expect(ruleError(#"{"name": "X", "month": 5, "day": 1, "substitute": "nextFreeWeekday", "moved": {"sunday": 1}}"#)
                == "rules[0].moved: cannot be combined with substitute")
        #expect(ruleError(#"{"name": "X", "month": 5, "day": 1, "observed": {"sunday": 0}}"#) == "rules[0].observed.sunday: must not be 0")
        #expect(ruleError(#"{"name": "X", "month": 5, "day": 1, "observed": {"sunday": 7}}"#) == "rules[0].observed.sunday: must be an integer from -6 to 6")
        #expect(ruleError(#"{"name": "X", "month": 5, "day": 1, "observed": {"sundays": 1}}"#) == "rules[0].observed.sundays: unknown key")
        #expect(ruleError(#"{"name": "X", "month": 5, "day": 1, "observed": {}}"#) == "rules[0].observed: must name a weekday")
        #expect(ruleError(#"{"name": "X", "month": 5, "day": 1, "onlyWhen": {"month": 2, "day": 1}}"#) == "rules[0].onlyWhen.weekdays: is required")
        #expect(ruleError(#"{"name": "X", "month": 5, "day": 1, "exceptWhen": {"month": 2, "day": 30, "weekdays": []}}"#)
                == "rules[0].exceptWhen.day: must be an integer from 1 to 29")
        #expect(ruleError(#"{"name": "X", "month": 5, "day": 1}, "rule" "#) == "rules[1]: must be an object")
    }

    @Test func refusesBadExtraAndRemovedDates() {
        let base = #"{"country": "GB", "coverage": {"from": 2024, "until": 2035}, "rules": [], "#
        #expect(parseError(base + #""extraDates": [{"date": "2027-02-29", "name": "X"}]}"#)?.description
                == "extraDates[0].date: must be a date written YYYY-MM-DD")
        #expect(parseError(base + #""extraDates": [{"date": "2027-02-28"}]}"#)?.description == "extraDates[0].name: is required")
        #expect(parseError(base + #""extraDates": [{"date": "2027-02-28", "name": "X", "observed": {}}]}"#)?.description
                == "extraDates[0].observed: unknown key")
        #expect(parseError(base + #""removedDates": ["2027-02-28"]}"#)?.description == "removedDates[0]: must be an object")
        #expect(parseError(base + #""removedDates": [{"date": 20270228}]}"#)?.description == "removedDates[0].date: must be a non-empty string")
    }
}

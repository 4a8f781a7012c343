/// Works out one year's holidays from a calendar's rules.
struct HolidayComputation {
    let rules: [HolidayRule]
    let weekend: Set<Int>
    let extraDates: [HolidayCalendar.NamedHoliday]
    let removedDates: Set<LocalDate>

    private struct Occurrence {
        let rule: HolidayRule
        /// After a `moved` policy.
        let date: LocalDate
    }

    func holidays(in year: Int) -> [HolidayCalendar.NamedHoliday] {
        // A substitute or observed day can cross into a neighbouring year (US: New Year's Day on a Saturday is
        // observed on 31 December), so the years either side are worked out too and filtered at the end.
        let occurrences = (year - 1...year + 1).flatMap(occurrences(in:))
            .filter { !removedDates.contains($0.date) }
            .sorted { $0.date < $1.date }
        var holidays = occurrences.map { HolidayCalendar.NamedHoliday(date: $0.date, name: $0.rule.name) }
        holidays += extraDates.filter { (year - 1...year + 1).contains($0.date.year) }
        var taken = Set(holidays.map(\.date))

        for occurrence in occurrences {
            let weekday = occurrence.date.isoWeekday
            switch occurrence.rule.weekendPolicy {
            case .none, .moved:
                continue
            case .observed(let offsets):
                guard let offset = offsets[weekday] else { continue }
                let observed = occurrence.date.adding(days: offset)
                holidays.append(.init(date: observed, name: occurrence.rule.name + " (observed)"))
                taken.insert(observed)
            case .substituteNextFreeWeekday:
                guard weekend.contains(weekday) else { continue }
                var substitute = occurrence.date.adding(days: 1)
                while weekend.contains(substitute.isoWeekday) || taken.contains(substitute) {
                    substitute = substitute.adding(days: 1)
                }
                holidays.append(.init(date: substitute, name: occurrence.rule.name + " (substitute day)"))
                taken.insert(substitute)
            }
        }

        return holidays
            .filter { $0.date.year == year && !removedDates.contains($0.date) }
            .enumerated()
            .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }
            .map(\.element)
    }

    private func occurrences(in year: Int) -> [Occurrence] {
        rules.compactMap { rule in
            guard let date = rule.date(in: year) else { return nil }
            if case .moved(let offsets) = rule.weekendPolicy, let offset = offsets[date.isoWeekday] {
                return Occurrence(rule: rule, date: date.adding(days: offset))
            }
            return Occurrence(rule: rule, date: date)
        }
    }
}

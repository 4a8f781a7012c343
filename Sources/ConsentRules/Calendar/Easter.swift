/// Western (Gregorian) Easter Sunday, on which many European holidays depend.
enum Easter {
    /// The anonymous Gregorian computus (Meeus/Jones/Butcher): the first Sunday after the ecclesiastical full moon
    /// on or after 21 March.
    static func sunday(in year: Int) -> LocalDate {
        let goldenNumber = year % 19
        let century = year / 100
        let yearOfCentury = year % 100
        let skippedLeapDays = century / 4
        let centuryRemainder = century % 4
        let moonCorrection = (century + 8) / 25
        let solarCorrection = (century - moonCorrection + 1) / 3
        let epact = (19 * goldenNumber + century - skippedLeapDays - solarCorrection + 15) % 30
        let leapDaysOfCentury = yearOfCentury / 4
        let yearRemainder = yearOfCentury % 4
        let daysToSunday = (32 + 2 * centuryRemainder + 2 * leapDaysOfCentury - epact - yearRemainder) % 7
        let correction = (goldenNumber + 11 * epact + 22 * daysToSunday) / 451
        let monthAndDay = epact + daysToSunday - 7 * correction + 114
        let month = monthAndDay / 31
        let day = monthAndDay % 31 + 1
        return LocalDate(validYear: year, month: month, day: day)
    }
}

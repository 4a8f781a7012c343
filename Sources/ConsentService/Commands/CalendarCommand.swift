import ArgumentParser

struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "Review the business-day calendars.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a country's public holidays in a year and its count of business days.")

        @Argument(help: "ISO 3166-1 country code, e.g. LT.") var country: String
        @Argument(help: "The year, e.g. 2027.") var year: Int

        func run() async throws {
            let configuration = try AppConfiguration.fromEnvironment()
            let calendars = try CalendarRegistry.load(
                directory: ResourceLocator.directory(named: "calendars", override: configuration.calendarsDirectory))
            guard let calendar = calendars.calendar(for: country.uppercased()) else {
                throw ValidationError(
                    "no calendar for \(country); known: \(calendars.countries.joined(separator: ", "))")
            }
            guard (1900...2200).contains(year) else { throw ValidationError("the year must be from 1900 to 2200") }
            for line in CalendarReport.lines(for: calendar, year: year) { print(line) }
        }
    }
}

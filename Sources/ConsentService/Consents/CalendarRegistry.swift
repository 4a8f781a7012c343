import ConsentRules
import Foundation

/// The business-day calendars of every country the service has data for, read once at start.
struct CalendarRegistry: Sendable {
    private let calendars: [String: HolidayCalendar]

    init(_ calendars: [HolidayCalendar]) {
        self.calendars = Dictionary(calendars.map { ($0.country, $0) }, uniquingKeysWith: { _, last in last })
    }

    static func load(directory: String) throws -> CalendarRegistry {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".json") }
            .sorted()
        var calendars: [HolidayCalendar] = []
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ResourceError(message: "cannot read calendar file \(path)")
            }
            do {
                calendars.append(try HolidayCalendar.parse(Array(data)))
            } catch {
                throw ResourceError(message: "calendar file \(path) is invalid: \(error)")
            }
        }
        return CalendarRegistry(calendars)
    }

    var countries: [String] { calendars.keys.sorted() }

    func calendar(for country: String) -> HolidayCalendar? { calendars[country] }
}

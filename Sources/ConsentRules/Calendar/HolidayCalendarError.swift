/// Why a calendar data file was refused, naming the place in the file.
public struct HolidayCalendarError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the file, e.g. `rules[3].month`; empty for the file as a whole.
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

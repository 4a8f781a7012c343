/// Days of the week by ISO number (1 = Monday … 7 = Sunday), with the lower-case English names the calendar files use.
enum Weekday {
    static let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    static func number(named name: String) -> Int? {
        names.firstIndex(of: name).map { $0 + 1 }
    }
}

/// A file or folder the service needs (calendars, templates, the embedded cluster) is missing or unusable.
struct ResourceError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

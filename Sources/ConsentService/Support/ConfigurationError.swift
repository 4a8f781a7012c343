/// A setting the operator gave that the service cannot run with; its message names the setting.
struct ConfigurationError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

import Foundation

/// Reads settings, treating an empty or blank variable as unset.
struct EnvironmentReader {
    let environment: [String: String]

    func value(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func boolean(_ name: String) throws -> Bool? {
        switch value(name)?.lowercased() {
        case nil: return nil
        case "true"?, "1"?, "yes"?: return true
        case "false"?, "0"?, "no"?: return false
        default: throw ConfigurationError(message: "\(name) must be true or false")
        }
    }

    func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(message: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}

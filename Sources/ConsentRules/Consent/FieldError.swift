/// One problem with one field of a request, for the `fields` list of a 422 response.
public struct FieldError: Hashable, Sendable, CustomStringConvertible {
    /// A dotted path such as `terms.amount` or `consumer.email`.
    public let field: String
    /// Short English naming the broken constraint. It never repeats the submitted value, which may be personal data.
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }

    public var json: JSONValue {
        ["field": .string(field), "message": .string(message)]
    }
}

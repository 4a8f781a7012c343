/// The person who gave the consent, and how to address them.
public struct Consumer: Hashable, Sendable {
    public let firstName: String
    public let lastName: String
    public let email: String
    /// E.164, e.g. "+37066666666".
    public let phone: String?
    /// A language tag such as "en" or "pt-BR" as given; it picks the message templates.
    public let language: String

    public init(firstName: String, lastName: String, email: String, phone: String?, language: String) {
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.language = language
    }

    /// The contract's JSON shape; absent optional fields are `null`.
    public var json: JSONValue {
        [
            "firstName": .string(firstName),
            "lastName": .string(lastName),
            "email": .string(email),
            "phone": phone.map(JSONValue.string) ?? .null,
            "language": .string(language),
        ]
    }
}

/// The channel agreed for every future message about the consent.
public struct Communication: Hashable, Sendable {
    /// "email", the only channel of contract v1.
    public let method: String
    public let address: String

    public init(method: String, address: String) {
        self.method = method
        self.address = address
    }

    public var json: JSONValue {
        ["method": .string(method), "address": .string(address)]
    }
}

import ConsentRules

/// A message ready to go: its exact bytes, who it is from and to, and its Message-ID.
public struct OutgoingMessage: Sendable {
    public let bytes: [UInt8]
    public let envelope: SMTPEnvelope
    /// Without angle brackets.
    public let messageId: String

    public init(bytes: [UInt8], envelope: SMTPEnvelope, messageId: String) {
        self.bytes = bytes
        self.envelope = envelope
        self.messageId = messageId
    }
}

/// Where messages go: an SMTP server, or (the embedded default) a folder of `.eml` files.
public protocol MessageTransport: Sendable {
    /// Nil when the message could not be started by `startBy` (it waited that long for a free connection) or
    /// `clearance` kept it back: nothing of it was sent.
    func deliver(_ message: OutgoingMessage, startBy: Instant, clearance: @escaping DeliveryClearance) async
        -> SMTPOutcome?
}

extension SMTPTransport: MessageTransport {
    public func deliver(
        _ message: OutgoingMessage, startBy: Instant, clearance: @escaping DeliveryClearance
    ) async -> SMTPOutcome? {
        await send(message.bytes, envelope: message.envelope, startBy: startBy, clearance: clearance)
    }
}

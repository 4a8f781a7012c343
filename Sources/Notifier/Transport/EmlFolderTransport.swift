import ConsentRules
import Foundation

/// Writes each message as `<message-id>.eml` into a folder, exactly as it would go to an SMTP server. A file is
/// written under a temporary name and renamed, so a reader never sees half a message.
public struct EmlFolderTransport: MessageTransport {
    public let directory: String

    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
    }

    /// A file is written at once, so `startBy` never holds a message back.
    public func deliver(
        _ message: OutgoingMessage, startBy: Instant, clearance: @escaping DeliveryClearance
    ) async -> SMTPOutcome? {
        guard await clearance() else { return nil }
        let name = Self.fileName(for: message.messageId)
        let directory = self.directory
        // File writes block; they stay off the cooperative threads.
        return await BlockingThreads.shared.run { () -> SMTPOutcome? in
            let final = directory + "/" + name
            let temporary = directory + "/." + name + ".tmp"
            do {
                try Data(message.bytes).write(to: URL(fileURLWithPath: temporary))
                if FileManager.default.fileExists(atPath: final) {
                    try FileManager.default.removeItem(atPath: final)
                }
                try FileManager.default.moveItem(atPath: temporary, toPath: final)
                return .accepted(reply: "250 written to \(name)")
            } catch {
                return .transientFailure(reply: nil, reason: "cannot write \(name): \(error.localizedDescription)")
            }
        }
    }

    /// Only the id's own safe characters reach the file system.
    static func fileName(for messageId: String) -> String {
        String(messageId.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "@" ? $0 : "_" }) + ".eml"
    }
}

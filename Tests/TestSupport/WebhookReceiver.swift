import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real HTTP receiver process (`scripts/webhook-test-receiver`) on a loopback port, answering POSTs with
/// scripted replies and storing what it received; stopped by its PID.
public final class WebhookReceiver: @unchecked Sendable {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/webhook-test-receiver")

    public let port: Int
    public let directory: URL
    private let process: Process

    private init(process: Process, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Starts a receiver answering with `replies` (`STATUS[:Header=Value][@delay]`, then 200s), runs `body`,
    /// and stops it by PID however `body` ends.
    public static func with<T>(replies: [String] = [], _ body: (WebhookReceiver) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory.make(prefix: "webhooks")
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = script
        process.arguments = ["--dir", directory.path] + replies.flatMap { ["--reply", $0] }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                let handle = output.fileHandleForReading
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    bytes += chunk
                    if bytes.contains(UInt8(ascii: "\n")) { break }
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard line.hasPrefix("ready "), let port = Int(line.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw SMTPTestServerError(description: "webhook-test-receiver did not start: \(line)")
        }
        let receiver = WebhookReceiver(process: process, port: port, directory: directory)
        defer {
            // SIGKILL: the test process may ignore SIGTERM, and children inherit that. Nothing needs cleaning up.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return try await body(receiver)
    }

    /// What was received, in order: path, lower-cased headers and body.
    public func received() throws -> [(path: String, headers: [String: String], body: String)] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
            .compactMap { name in
                let data = try Data(contentsOf: directory.appendingPathComponent(name))
                guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let path = json["path"] as? String, let headers = json["headers"] as? [String: String],
                    let body = json["body"] as? String
                else { return nil }
                return (path, headers, body)
            }
    }
}

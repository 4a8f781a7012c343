import Foundation
import Logging

/// Keeps every log record, with its level and metadata, so tests can check what would have been written.
public final class LogCapture: @unchecked Sendable {
    public struct Record: Sendable {
        public let level: Logger.Level
        public let text: String
    }

    private let lock = NSLock()
    private var storage: [Record] = []

    public init() {}

    public var records: [Record] { lock.withLock { storage } }

    public func append(_ record: Record) {
        lock.withLock { storage.append(record) }
    }

    public func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "tests") { _ in CapturingLogHandler(capture: self) }
        logger.logLevel = level
        return logger
    }
}

public struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append(.init(level: event.level, text: "\(event.message) \(rendered)"))
    }
}

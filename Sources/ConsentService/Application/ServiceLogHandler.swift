import Foundation
import Logging

/// Log lines on standard error, laid out as swift-log's `StreamLogHandler` lays them out:
/// `<time> <level> <label>: <key=value ...> [<source>] <message>`.
///
/// It exists because `StreamLogHandler` formats its metadata whenever metadata is set, and the HTTP server sets a
/// request id on every request's logger: that formatting was a measurable share of each request's CPU even when
/// nothing was logged. Here metadata is formatted only for a line that is written.
struct ServiceLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        Self.writeToStandardError(line(for: event, at: Self.localTime()))
    }

    /// The line of `event`: this logger's metadata, then the event's own (which wins on a shared key), then its
    /// error, sorted by key.
    func line(for event: LogEvent, at time: String) -> String {
        var all = metadata
        if let explicit = event.metadata { all.merge(explicit) { _, explicit in explicit } }
        if let error = event.error {
            all["error.message"] = "\(error)"
            all["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let fields = all.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let labelPart = label.isEmpty ? "" : " \(label)"
        return "\(time) \(event.level)\(labelPart):\(fields) [\(event.source)] \(event.message)\n"
    }

    private static func localTime() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// One `write` per line, so that lines from concurrent tasks never interleave within a line.
    private static func writeToStandardError(_ line: String) {
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(STDERR_FILENO, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}

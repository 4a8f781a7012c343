import Logging
import Testing

@testable import ConsentService

/// The service's log lines keep swift-log's stream layout, with metadata formatted from what is set when the
/// line is written.
@Suite struct ServiceLogHandlerTests {
    struct Refused: Error, CustomStringConvertible {
        var description: String { "refused" }
    }

    static func event(metadata: Logger.Metadata?, error: (any Error)? = nil) -> LogEvent {
        LogEvent(
            level: .warning, message: "pool lost a connection", error: error, metadata: metadata, source: "PGClient",
            file: "PGPool.swift", function: "lease", line: 1)
    }

    @Test func metadataSetOnTheLoggerAndOnTheEventAppearSortedByKey() {
        var handler = ServiceLogHandler(label: "consent-service")
        handler[metadataKey: "hb.request.id"] = "r-1"
        handler[metadataKey: "a.first"] = "x"
        handler[metadataKey: "gone"] = "y"
        handler[metadataKey: "gone"] = nil
        let line = handler.line(for: Self.event(metadata: ["hb.request.id": "r-2", "count": "3"]), at: "T")
        #expect(
            line == "T warning consent-service: a.first=x count=3 hb.request.id=r-2 [PGClient] pool lost a connection\n")
    }

    @Test func anEventsErrorIsNamedAndALineWithoutMetadataHasNone() {
        let handler = ServiceLogHandler(label: "")
        #expect(handler.line(for: Self.event(metadata: nil), at: "T") == "T warning: [PGClient] pool lost a connection\n")
        let line = handler.line(for: Self.event(metadata: nil, error: Refused()), at: "T")
        #expect(line.contains("error.message=refused"))
        #expect(line.contains("error.type=ConsentServiceTests.ServiceLogHandlerTests.Refused"))
    }
}

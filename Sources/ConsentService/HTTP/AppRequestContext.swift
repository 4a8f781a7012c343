import Foundation
import Hummingbird
import PGClient

/// The request context of every route. Bodies are read explicitly with the contract's 64 KiB limit.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    var maxUploadSize: Int { RequestLimits.maxBodyBytes }
}

enum RequestLimits {
    static let maxBodyBytes = 64 * 1024
    static let maxIdempotencyKeyLength = 255
}

extension AppRequestContext {
    /// The `{id}` of a consent route. A malformed id names no consent: it is answered like an unknown one,
    /// after authentication.
    var consentId: UUID { idParameter }

    /// The `{id}` of a route; the nil UUID, which names nothing, when it is not a UUID.
    var idParameter: UUID {
        parameters.get("id").flatMap(UUID.init(canonicalText:)) ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    }

    /// A text `{name}` of a route compared with stored keys (recurrence ids), percent-decoded; see `lookupText`.
    func textParameter(_ name: String) -> String {
        AppRequestContext.lookupText(parameters.get(name).flatMap { $0.removingPercentEncoding })
    }

    /// Text from a path or a query that is looked up among stored keys (merchant references, recurrence ids).
    /// Stored keys hold no control characters, so text that is missing, wrongly percent-encoded or holding U+0000
    /// (which PostgreSQL text cannot take) becomes a control character that matches nothing: the lookup is
    /// answered like any unknown key, after authentication.
    static func lookupText(_ text: String?) -> String {
        guard let text, !text.utf8.contains(0) else { return "\u{1}" }
        return text
    }
}

import Foundation
import Hummingbird

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
        parameters.get("id").flatMap(UUID.init(uuidString:)) ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    }
}

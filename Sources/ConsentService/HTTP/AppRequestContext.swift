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

import CCurl
import Foundation

/// libcurl's process-wide state. `curl_global_init` is not thread-safe, so it runs exactly once, before the
/// first handle, through a lazily initialised static (which Swift guarantees to run once).
public enum CurlRuntime {
    private static let initialised: Bool = {
        // A peer closing a connection mid-write must not kill the process; libcurl does not block SIGPIPE itself
        // when CURLOPT_NOSIGNAL is set.
        signal(SIGPIPE, SIG_IGN)
        return curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    /// True when libcurl is ready for use.
    public static func prepare() -> Bool { initialised }

    public static var version: String { String(cString: curl_version()) }
}

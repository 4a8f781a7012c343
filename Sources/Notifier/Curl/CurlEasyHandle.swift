import CCurl

/// One libcurl easy handle and the error buffer libcurl writes into (DESIGN example 5): this `final class` owns
/// both and frees them in `deinit`. The handle never raises signals, so it is safe on any thread, but it is
/// confined to the one thread that uses it. An SMTP connection keeps one for its life; a webhook post has its own.
final class CurlEasyHandle {
    let pointer: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Nil when libcurl cannot make a handle or refuses the error buffer.
    init?() {
        guard let pointer = curl_easy_init() else { return nil }
        self.pointer = pointer
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        guard ccurl_setopt_pointer(pointer, CURLOPT_ERRORBUFFER, errorBuffer) == CURLE_OK,
            ccurl_setopt_long(pointer, CURLOPT_NOSIGNAL, 1) == CURLE_OK
        else { return nil }
    }

    deinit {
        // On an SMTP handle this sends QUIT on an open connection before closing it.
        curl_easy_cleanup(pointer)
        errorBuffer.deallocate()
    }

    /// Forgets the last transfer's error text, before the next one.
    func clearError() {
        errorBuffer[0] = 0
    }

    /// libcurl's words for a failed call: its error buffer when it wrote one (it names hosts, never addresses),
    /// else the code's own text.
    func errorText(for code: CURLcode) -> String {
        let written = String(cString: errorBuffer)
        return written.isEmpty ? String(cString: curl_easy_strerror(code)) : written
    }

    /// A duration as libcurl's millisecond options take it: at least 1 (0 would mean no limit at all), and
    /// the largest value for one too long to count.
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = seconds.multipliedReportingOverflow(by: 1000)
        guard !total.overflow else { return Int.max }
        return max(1, Int(total.partialValue) + Int(attoseconds / 1_000_000_000_000_000))
    }
}

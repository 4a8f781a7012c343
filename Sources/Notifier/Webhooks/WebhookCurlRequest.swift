import CCurl
import Foundation

/// One webhook POST on its own libcurl easy handle (DESIGN example 5: the `final class` owns the C handle and
/// the lists libcurl points at, and frees them in `deinit`). Used once, on the thread that made it.
final class WebhookCurlRequest {
    private let easy: CurlEasyHandle
    private var handle: UnsafeMutableRawPointer { easy.pointer }
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    private let body: [UInt8]
    private let post: WebhookPost
    private let timeout: Duration
    /// The response's `Retry-After`, read by the header callback.
    fileprivate var retryAfter: String?

    init?(post: WebhookPost, timeout: Duration) {
        guard let easy = CurlEasyHandle() else { return nil }
        self.easy = easy
        self.post = post
        self.body = post.body
        self.timeout = timeout
    }

    deinit {
        // The lists after the handle (a stored property, freed after this body), which points at them until then:
        // detach them first so that no pointer outlives its list.
        _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, nil)
        _ = ccurl_setopt_slist(handle, CURLOPT_RESOLVE, nil)
        curl_slist_free_all(headerList)
        curl_slist_free_all(resolveList)
    }

    /// Sends the POST, connecting only to the pinned addresses (`host:port:address[,address…]`), never through a proxy.
    func perform(pinning resolve: String) -> WebhookOutcome {
        let milliseconds = CurlEasyHandle.milliseconds(timeout)
        headerList = curl_slist_append(headerList, "Content-Type: application/json")
        headerList = curl_slist_append(headerList, "User-Agent: consent-service")
        // An empty Expect stops libcurl from waiting for "100 Continue" before sending the body.
        headerList = curl_slist_append(headerList, "Expect:")
        for (name, value) in post.headers
        where !name.utf8.contains(where: { $0 < 0x21 || $0 == UInt8(ascii: ":") })
            && !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A })
        {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        resolveList = curl_slist_append(resolveList, resolve)

        var setup = CURLE_OK
        func set(_ code: CURLcode) { if setup == CURLE_OK { setup = code } }
        set(ccurl_setopt_string(handle, CURLOPT_URL, post.url))
        set(ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        set(ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds))
        set(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(milliseconds, 10_000)))
        set(ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
        set(ccurl_setopt_slist(handle, CURLOPT_RESOLVE, resolveList))
        // A proxy would resolve the host itself, past the checked and pinned addresses, so none is used, whatever
        // http_proxy, HTTPS_PROXY or ALL_PROXY say: an empty proxy turns them off, and NOPROXY covers every host.
        set(ccurl_setopt_string(handle, CURLOPT_PROXY, ""))
        set(ccurl_setopt_string(handle, CURLOPT_NOPROXY, "*"))
        set(ccurl_setopt_long(handle, CURLOPT_POST, 1))
        set(ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        set(ccurl_setopt_write_callback(handle, discardBody))
        set(ccurl_setopt_header_callback(handle, readHeader))
        set(ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(self).toOpaque()))
        guard setup == CURLE_OK else {
            return .retry(status: nil, reason: "libcurl refused an option: \(String(cString: curl_easy_strerror(setup)))", retryAfterSeconds: nil)
        }

        let result = body.withUnsafeBytes { bytes -> CURLcode in
            // COPYPOSTFIELDS would copy; the body outlives the transfer, so libcurl may read it in place.
            _ = ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            return curl_easy_perform(handle)
        }
        _ = ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, nil)
        guard result == CURLE_OK else {
            return .retry(status: nil, reason: easy.errorText(for: result), retryAfterSeconds: nil)
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        switch status {
        case 200..<300: return .delivered(status: status)
        case 410: return .gone
        default:
            return .retry(
                status: status, reason: "the endpoint answered \(status)",
                retryAfterSeconds: retryAfter.flatMap { RetryAfter.seconds($0) })
        }
    }
}

/// Response bodies are not needed; reading them keeps the connection usable.
private func discardBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?)
    -> Int
{
    size * count
}

private func readHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?)
    -> Int
{
    let length = size * count
    guard let data, let context else { return length }
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    let request = Unmanaged<WebhookCurlRequest>.fromOpaque(context).takeUnretainedValue()
    if line.lowercased().hasPrefix("retry-after:") {
        request.retryAfter = line.dropFirst("retry-after:".count).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return length
}

/// `Retry-After` as seconds from now: a number of seconds, or an HTTP date.
enum RetryAfter {
    static func seconds(_ value: String, now: Date = Date()) -> Int64? {
        if let seconds = Int64(value), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, Int64(date.timeIntervalSince(now).rounded(.up)))
    }
}

import ConsentRules
import Hummingbird

extension Response {
    /// A JSON response from an already built value; bodies are canonical JSON, so equal values give equal bytes.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        json(bytes: value.serialized(), status: status)
    }

    static func json(bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

import Hummingbird

/// Encodes an ``APIError`` as the one JSON error shape of the API.
enum ErrorBody {
    static func response(for error: APIError, requestID: String) -> Response {
        var json = "{\"error\":{\"code\":"
        JSONText.appendString(error.code, to: &json)
        json += ",\"message\":"
        JSONText.appendString(error.message, to: &json)
        json += ",\"request_id\":"
        JSONText.appendString(requestID, to: &json)
        json += "}}"
        var headers = error.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}

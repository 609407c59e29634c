import Foundation
import Hummingbird

/// A JSON body with an explicit status, for routes whose status depends on the outcome.
public struct JSONResponse<Body: Encodable & Sendable>: ResponseGenerator, Sendable {
    public let body: Body
    public let status: HTTPResponse.Status

    public init(_ body: Body, status: HTTPResponse.Status = .ok) {
        self.body = body
        self.status = status
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONBodyEncoder.encode(body))))
    }
}

/// How every JSON answer is written: sorted keys, slashes unescaped.
enum JSONBodyEncoder {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}

import Foundation

/// A request the stand-in received, for tests to inspect what a client sent.
public struct ReceivedRequest: Sendable {
    public var method: String
    /// Path without the query, e.g. `/api/chat`.
    public var path: String
    public var contentType: String?
    public var body: Data

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object; `nil` when it is not one.
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }

    /// The value at a dotted path in the JSON body, e.g. `"options.num_ctx"`.
    public func value(at keyPath: String) -> Any? {
        var current: Any? = json
        for key in keyPath.split(separator: ".") {
            current = (current as? [String: Any])?[String(key)]
        }
        return current
    }
}

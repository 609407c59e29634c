/// How long Ollama keeps a model loaded after a request (`keep_alive`), sent as seconds.
public struct KeepAlive: Sendable, Hashable, Encodable {
    /// Seconds; negative means forever, zero unloads the model right after the request.
    public var seconds: Int

    public init(seconds: Int) { self.seconds = seconds }

    public static func seconds(_ value: Int) -> KeepAlive { KeepAlive(seconds: value) }
    public static func minutes(_ value: Int) -> KeepAlive { KeepAlive(seconds: value * 60) }
    /// Keep the model loaded until Ollama stops.
    public static let forever = KeepAlive(seconds: -1)
    /// Unload the model as soon as the request is answered.
    public static let unloadImmediately = KeepAlive(seconds: 0)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(seconds)
    }
}

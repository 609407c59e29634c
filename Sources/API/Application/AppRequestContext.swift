import Hummingbird
import NIOCore
import Storage

/// The per-request context of every route: Hummingbird's core storage plus what our
/// middleware learns about the request (its id, the caller's address).
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Taken from a sane `X-Request-ID` header, else generated; echoed on the response.
    public var requestID: String = ""
    /// Largest body the decoders accept; the body-limit middleware sets it from config.
    public var maxUploadSize: Int = 64 * 1024 * 1024
    public let remoteAddress: SocketAddress?
    /// The authenticated key; nil when authentication is off or the route needs none.
    public var apiKey: APIKeyRecord?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The caller's IP address as text, or "-" when unknown.
    public var clientIP: String { remoteAddress?.ipAddress ?? "-" }
}

import Foundation
import Hummingbird

/// The stand-in's endpoints. Every request is recorded, then delayed, then possibly failed
/// as the behaviour scripts, before it is answered.
enum StandInRoutes {
    typealias Answer = @Sendable (_ json: [String: Any], _ behaviour: StandInBehaviour) throws(StandInRejection) -> Response

    static func register(on router: Router<BasicRequestContext>, state: StandInState) {
        router.get("/") { request, _ in
            try await handle(request, state) { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                         body: ResponseBody(byteBuffer: ByteBuffer(string: "Ollama is running")))
            }
        }
        router.get("/api/version") { request, _ in
            try await handle(request, state) { _, behaviour in StandInWire.json(["version": behaviour.version]) }
        }
        router.get("/api/tags") { request, _ in
            try await handle(request, state) { _, _ in StandInModelRoutes.tags(state.models) }
        }
        router.post("/api/show") { request, _ in
            try await handle(request, state) { (json, _) throws(StandInRejection) in
                try StandInModelRoutes.show(json, state: state)
            }
        }
        router.post("/api/pull") { request, _ in
            try await handle(request, state) { (json, behaviour) throws(StandInRejection) in
                try StandInModelRoutes.pull(json, state: state, behaviour: behaviour)
            }
        }
        router.post("/api/embed") { request, _ in
            try await handle(request, state) { (json, _) throws(StandInRejection) in
                try StandInEmbedRoute.embed(json, state: state)
            }
        }
        for endpoint in [StandInPrompt.Endpoint.chat, .generate] {
            router.post("/api/\(endpoint.rawValue)") { request, _ in
                try await handle(request, state) { (json, behaviour) throws(StandInRejection) in
                    let prompt = try StandInPromptParser.parse(endpoint, json: json, state: state, behaviour: behaviour)
                    return StandInGeneration.respond(to: prompt, behaviour: behaviour)
                }
            }
        }
    }

    private static func handle(_ request: Request, _ state: StandInState, answer: Answer) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 64 << 20)
        let body = Data(buffer.readableBytesView)
        let path = request.uri.path
        state.record(ReceivedRequest(
            method: request.method.rawValue, path: path, contentType: request.headers[.contentType], body: body))
        let behaviour = state.currentBehaviour
        if behaviour.delay > .zero { try await Task.sleep(for: behaviour.delay) }
        if let failure = state.takeFailure(path: path) {
            return StandInWire.error(failure.message, status: failure.status)
        }
        var json: [String: Any] = [:]
        if request.method == .post {
            guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
                return StandInWire.error(body.isEmpty ? "EOF" : "invalid character in request body", status: 400)
            }
            json = object
        }
        do {
            return try answer(json, behaviour)
        } catch {
            return StandInWire.error(error.message, status: error.status)
        }
    }
}

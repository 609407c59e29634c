import Foundation
@testable import Ollama
import Testing

@Suite("Ollama's JSON, decoded and encoded exactly")
struct WireFormatTests {
    @Test("a recorded /api/chat answer decodes with its snake_case fields and nanosecond durations")
    func decodesChatAnswer() throws {
        let json = #"""
        {"model":"llama3.2:3b","created_at":"2026-11-25T08:47:12.123456789Z","message":{"role":"assistant","content":"Hi."},
         "done_reason":"length","done":true,"total_duration":5191566416,"load_duration":2154458,
         "prompt_eval_count":26,"prompt_eval_duration":383809000,"eval_count":298,"eval_duration":4799921000}
        """#
        let response = try JSONDecoder().decode(ChatResponse.self, from: Data(json.utf8))
        #expect(response.content == "Hi.")
        #expect(response.truncated)
        #expect(response.metrics.totalDuration == .nanoseconds(5_191_566_416))
        #expect(response.metrics.promptEvalCount == 26)
        #expect(response.metrics.evalDuration == .nanoseconds(4_799_921_000))
    }

    @Test("a request encodes only the fields set, under Ollama's names")
    func encodesRequest() throws {
        let request = ChatRequest(
            model: "m", messages: [.user("x")], format: .json, options: ModelOptions(numCtx: 2048, topK: 20),
            truncate: false, keepAlive: .forever)
        let data = try JSONEncoder().encode(StreamFlagged(body: request, stream: false))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["model", "messages", "format", "options", "truncate", "keep_alive", "stream"])
        #expect(object["format"] as? String == "json")
        #expect(object["keep_alive"] as? Int == -1)
        #expect(object["options"] as? [String: Int] == ["num_ctx": 2048, "top_k": 20])
    }

    @Test("JSON values keep whole numbers whole")
    func jsonValueNumbers() throws {
        let schema: JSONValue = ["minItems": 1, "maximum": 2.5, "items": ["type": "string"], "nullable": nil]
        let text = String(decoding: try JSONEncoder().encode(schema), as: UTF8.self)
        #expect(text.contains(#""minItems":1"#) && text.contains(#""maximum":2.5"#) && text.contains(#""nullable":null"#))
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == schema)
    }

    @Test("Modelfile parameters are parsed, repeated names kept, quotes removed")
    func parameters() {
        let text = "num_ctx                        8192\n"
            + "stop                           \"<|eot_id|>\"\nstop \"</s>\"\ntemperature 0.7"
        #expect(ModelDescription.parse(parameters: text) == [
            "num_ctx": ["8192"], "stop": ["<|eot_id|>", "</s>"], "temperature": ["0.7"],
        ])
    }

    @Test("an error body maps to modelNotFound only for a 404 that says so")
    func errorMapping() {
        let notFound = Array(#"{"error":"model \"x\" not found, try pulling it first"}"#.utf8)
        #expect(ErrorBody.failure(status: 404, body: notFound, model: "x") == .modelNotFound("x"))
        let rejected = ErrorBody.failure(status: 400, body: notFound, model: "x")
        #expect(rejected == .http(status: 400, message: #"model "x" not found, try pulling it first"#))
        let wrongPath = ErrorBody.failure(status: 404, body: Array("404 page not found".utf8), model: nil)
        #expect(wrongPath == .http(status: 404, message: "404 page not found"))
        #expect(ErrorBody.failure(status: 502, body: Array("<html>Bad gateway</html>".utf8), model: nil)
            == .http(status: 502, message: "<html>Bad gateway</html>"))
        #expect(ErrorBody.failure(status: 500, body: [], model: nil) == .http(status: 500, message: "no error message"))
    }
}

import Ollama
import Transcript

/// The `summary` level: an Ollama summary of a conversation, made map-reduce so that no
/// prompt is longer than the model's context, then merged with the extracted facts.
///
/// The transcript is the `structural` text (thinking removed, tool output trimmed). It is
/// cut into parts sized from the model's context length (`/api/show`, capped at
/// ``SummaryOptions/maxNumCtx``); each part is summarised against ``SummaryReply/schema``
/// with `options.num_ctx` set and `truncate: false`; the partial summaries are merged, in
/// rounds when they do not fit one prompt. Every reply is checked: `prompt_eval_count`
/// against the tokens sent (a cut prompt is an error, never a summary of part of the
/// session), `done_reason`, and the schema, with one retry for the last two.
public struct Summarizer: Sendable {
    let client: OllamaClient
    let options: SummaryOptions

    public init(client: OllamaClient, options: SummaryOptions) {
        self.client = client
        self.options = options
    }

    /// Summarises `conversation`, reporting progress after each part and once the parts are merged.
    public func summarize(
        _ conversation: Conversation, progress: @Sendable (SummaryProgress) async -> Void = { _ in }
    ) async throws(SummaryError) -> SummaryResult {
        let clock = ContinuousClock()
        let start = clock.now
        let facts = FactExtractor.extract(conversation)
        let text = StructuralRenderer(conversation: conversation).render()
        guard text.contains(where: { !$0.isWhitespace }) else { throw .nothingToSummarize }
        let plan = try await makePlan()
        let chunks = SummaryChunker(budget: plan.promptBudget, countTokens: options.countTokens).chunks(text)
        var tally = Tally()
        let steps = chunks.count > 1 ? chunks.count + 1 : chunks.count
        await progress(SummaryProgress(done: 0, total: steps))

        var partials: [SummaryReply] = []
        for (index, chunk) in chunks.enumerated() {
            partials.append(try await ask(SummaryPrompt.part(chunk, number: index + 1, of: chunks.count), plan, &tally))
            await progress(SummaryProgress(done: index + 1, total: steps))
        }
        while partials.count > 1 {
            var merged: [SummaryReply] = []
            for batch in batches(partials, plan) {
                merged.append(batch.count == 1 ? batch[0] : try await ask(SummaryPrompt.merge(batch), plan, &tally))
            }
            partials = merged
        }
        if chunks.count > 1 { await progress(SummaryProgress(done: steps, total: steps)) }
        let reply = partials.first ?? SummaryReply.empty

        let merge = SummaryMerge(reply: reply, facts: facts)
        let output = merge.render()
        return SummaryResult(
            text: output, reply: reply, model: options.model, inputTokens: conversation.inputTokens,
            outputTokens: TokenEstimator.estimate(output), duration: clock.now - start,
            recall: FactRecall.measure(facts.recallFacts, in: output), summaryRecall: merge.summaryRecall, facts: facts,
            chunks: chunks.count, calls: tally.calls, retries: tally.retries, numCtx: plan.numCtx,
            promptTokens: tally.promptTokens, generatedTokens: tally.generatedTokens)
    }

    /// The sizes every request of this summary uses.
    struct Plan {
        var numCtx: Int
        var numPredict: Int
        /// Most tokens of transcript (or of partial summaries) one prompt may carry.
        var promptBudget: Int
    }

    struct Tally {
        var calls = 0
        var retries = 0
        var promptTokens = 0
        var generatedTokens = 0
    }

    /// Asks Ollama for the model's context length and sizes the prompts from it.
    func makePlan() async throws(SummaryError) -> Plan {
        let description: ModelDescription
        do {
            description = try await client.show(model: options.model)
        } catch {
            throw SummaryError.from(error, model: options.model)
        }
        let trained = description.contextLength ?? description.configuredNumCtx ?? SummaryOptions.fallbackContext
        let numCtx = min(trained, options.maxNumCtx)
        let numPredict = max(128, numCtx / 4)
        // The instructions, the part heading, the correction of a retry and the chat template.
        let overhead = options.countTokens(SummaryPrompt.system) + options.countTokens(SummaryPrompt.part("", number: 99, of: 99))
            + options.countTokens(SummaryPrompt.correction(Array(repeating: "$.field: expected string", count: 3))) + 32
        let budget = numCtx - numPredict - overhead
        guard budget >= SummaryOptions.minimumPromptBudget else { throw .contextTooSmall(numCtx) }
        return Plan(numCtx: numCtx, numPredict: numPredict, promptBudget: budget)
    }

    /// Consecutive partial summaries grouped so that each merge prompt fits the budget;
    /// at least two per group, so every round shrinks the list.
    func batches(_ partials: [SummaryReply], _ plan: Plan) -> [[SummaryReply]] {
        var batches: [[SummaryReply]] = []
        var current: [SummaryReply] = []
        for partial in partials {
            if current.count >= 2, options.countTokens(SummaryPrompt.merge(current + [partial])) > plan.promptBudget {
                batches.append(current)
                current = []
            }
            current.append(partial)
        }
        if current.count == 1, var last = batches.popLast() {
            last += current
            current = last
        }
        batches.append(current)
        return batches
    }

    /// One request, checked; retried once when the reply is cut or does not match the schema.
    func ask(_ prompt: String, _ plan: Plan, _ tally: inout Tally) async throws(SummaryError) -> SummaryReply {
        var problems: [String] = []
        var cutAt: Int?
        for attempt in 0..<2 {
            let user = attempt == 0 ? prompt : prompt + "\n\n" + SummaryPrompt.correction(problems)
            let request = ChatRequest(
                model: options.model, messages: [.system(SummaryPrompt.system), .user(user)],
                format: .schema(SummaryReply.schema),
                options: ModelOptions(numCtx: plan.numCtx, numPredict: plan.numPredict, temperature: attempt == 0 ? 0 : 0.3, seed: attempt),
                truncate: false)
            let sent = options.countTokens(SummaryPrompt.system) + options.countTokens(user)
            tally.calls += 1
            if attempt > 0 { tally.retries += 1 }
            let response: ChatResponse
            do {
                response = try await client.chat(request)
            } catch {
                // With `truncate: false`, Ollama refuses a prompt longer than the context.
                if case .http(400, let message) = error, message.contains("context length") {
                    throw .promptTruncated(sent: sent, evaluated: nil, numCtx: plan.numCtx)
                }
                throw SummaryError.from(error, model: options.model)
            }
            tally.promptTokens += response.metrics.promptEvalCount ?? 0
            tally.generatedTokens += response.metrics.evalCount ?? 0
            if Self.promptWasCut(sent: sent, evaluated: response.metrics.promptEvalCount, numCtx: plan.numCtx) {
                throw .promptTruncated(sent: sent, evaluated: response.metrics.promptEvalCount, numCtx: plan.numCtx)
            }
            if response.truncated {
                cutAt = response.metrics.evalCount ?? plan.numPredict
                problems = ["the reply was cut at num_predict"]
                continue
            }
            cutAt = nil
            problems = SchemaValidator.problems(in: response.content, schema: SummaryReply.schema)
            if problems.isEmpty, let reply = SummaryReply.decode(response.content) { return reply }
        }
        if let cutAt { throw .replyTruncated(generated: cutAt) }
        throw .invalidReply(problems)
    }

    /// Whether Ollama evaluated a cut prompt. Prompts are planned well inside the context,
    /// so one evaluated at the context's full size was cut there (Ollama keeps exactly
    /// `num_ctx` tokens); and far fewer tokens than sent means a smaller context was used
    /// than asked for. The second rule allows for the estimate being rough.
    static func promptWasCut(sent: Int, evaluated: Int?, numCtx: Int) -> Bool {
        guard let evaluated else { return false }
        if evaluated >= numCtx - numCtx / 50 { return true }
        return PromptTruncationCheck(tolerance: 0.5).verdict(sent: sent, evaluated: evaluated) != nil
    }
}

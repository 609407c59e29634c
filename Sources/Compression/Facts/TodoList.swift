import Foundation

/// Follows the todo list through a session: `TodoWrite` replaces the whole list; newer
/// Claude Code versions add tasks with `TaskCreate` (numbered from 1, as the result's
/// `Task #N created` says) and change them with `TaskUpdate`.
struct TodoList {
    private var items: [(id: String, todo: SessionFacts.Todo)] = []

    var todos: [SessionFacts.Todo] { items.map(\.todo) }

    mutating func write(_ input: ToolInput) {
        items = input.objects("todos").enumerated().map { index, todo in
            (String(index + 1), SessionFacts.Todo(content: todo["content"] as? String ?? "", status: todo["status"] as? String ?? "pending"))
        }
    }

    mutating func create(_ input: ToolInput, result: String?) {
        let content = input.string("subject") ?? input.string("description") ?? ""
        let id = result.flatMap(Self.createdID) ?? String(items.count + 1)
        items.append((id, SessionFacts.Todo(content: content, status: input.string("status") ?? "pending")))
    }

    mutating func update(_ input: ToolInput) {
        guard let id = input.string("taskId") ?? input.int("taskId").map(String.init),
              let index = items.firstIndex(where: { $0.id == id }) else { return }
        if let status = input.string("status") {
            if status == "deleted" {
                items.remove(at: index)
                return
            }
            items[index].todo.status = status
        }
        if let subject = input.string("subject") { items[index].todo.content = subject }
    }

    /// `Task #12 created successfully: …` → `12`.
    private static func createdID(_ result: String) -> String? {
        guard let hash = result.range(of: "Task #") else { return nil }
        let digits = result[hash.upperBound...].prefix { $0.isNumber }
        return digits.isEmpty ? nil : String(digits)
    }

    static func mark(_ status: String?) -> String {
        switch status {
        case "completed": return "[x]"
        case "in_progress": return "[~]"
        default: return "[ ]"
        }
    }
}

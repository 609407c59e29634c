import Hummingbird
import Storage

/// `GET /api/jobs/{id}`: a background job's state, progress and, once done, its result or error.
struct JobRoutes {
    let store: any JobStore

    func register(on group: RouterGroup<AppRequestContext>, routes: RouteTable) {
        routes.add(.get, "/api/jobs/{id}")
        group.get("/jobs/:id") { request, context in
            let id = try context.parameters.require("id")
            guard let job = try await store.job(id: id) else { throw APIError.notFound("no job \(id)") }
            return try JSONResponse(JobResponse(job)).response(from: request, context: context)
        }
    }
}

import Hummingbird
import Logging
import ParleyCore
import ServiceLifecycle

/// The request context every route sees.
public typealias AppRequestContext = BasicRequestContext

/// Builds the HTTP application over ready dependencies. The executable and the tests both call it.
///
/// `ownsDatabase` adds a service that closes the database after the server has stopped.
public func buildApplication(
    host: String, port: Int, dependencies: AppDependencies, ownsDatabase: Bool, logger: Logger
) -> some ApplicationProtocol {
    let router = buildRouter(dependencies: dependencies)
    var services: [any Service] = []
    if ownsDatabase { services.append(DatabaseService(database: dependencies.database)) }
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "Parley"),
        services: services,
        logger: logger
    )
}

func buildRouter(dependencies: AppDependencies) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.debug))
    HealthController(database: dependencies.database).addRoutes(to: router)
    return router
}

import ParleyCore
import ServiceLifecycle

/// Keeps the database open while the application runs and closes it on graceful shutdown.
///
/// Services stop in reverse order, so registered before the HTTP server this one closes the
/// connections only after the last request has been answered.
struct DatabaseService: Service {
    let database: Database

    func run() async throws {
        try? await gracefulShutdown()
        await database.close()
    }
}

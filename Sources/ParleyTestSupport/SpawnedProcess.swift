import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, in place of Foundation's `Process`, whose `run()`
/// on Linux crashed the test bundle (a bad pointer in its memcpy while it listed the parent's
/// open descriptors) once the parallel suites held more than a thousand of them.
///
/// Its output pipes are made close-on-exec before any other child is started (launches take
/// turns), so a child started at the same moment by another test does not inherit them and keep
/// them open past this child's end.
public final class SpawnedProcess: @unchecked Sendable {
    private static let launching = NSLock()

    public enum TerminationReason: Sendable {
        case exit, uncaughtSignal
    }

    public let processIdentifier: pid_t
    /// What the child writes on its standard output and standard error.
    public let output: FileHandle
    public let errors: FileHandle
    private let lock = NSLock()
    private var waitStatus: Int32?

    /// Starts `executable` with `arguments` in `directory` (through `env -C`, which changes into
    /// it), with exactly `environment`, its standard input from /dev/null.
    public init(executable: String, arguments: [String], directory: String, environment: [String: String]) throws {
        Self.launching.lock()
        defer { Self.launching.unlock() }
        var outputPipe: [Int32] = [0, 0]
        var errorPipe: [Int32] = [0, 0]
        guard pipe(&outputPipe) == 0, pipe(&errorPipe) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        for descriptor in outputPipe + errorPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        let argv = ["/usr/bin/env", "-C", directory, executable] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = envp.map { strdup($0) } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, nil, cArguments, cEnvironment)
        close(outputPipe[1])
        close(errorPipe[1])
        guard spawned == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO)
        }
        processIdentifier = pid
        output = FileHandle(fileDescriptor: outputPipe[0], closeOnDealloc: true)
        errors = FileHandle(fileDescriptor: errorPipe[0], closeOnDealloc: true)
    }

    /// Whether the child has not ended yet (reaping it when it has).
    public var isRunning: Bool {
        lock.withLock {
            guard waitStatus == nil else { return false }
            var status: Int32 = 0
            guard waitpid(processIdentifier, &status, WNOHANG) == processIdentifier else { return true }
            waitStatus = status
            return false
        }
    }

    /// Blocks until the child ends.
    public func waitUntilExit() {
        while isRunning {
            var status: Int32 = 0
            let reaped = waitpid(processIdentifier, &status, 0)
            if reaped == processIdentifier {
                lock.withLock { waitStatus = status }
                return
            }
            if reaped < 0, errno != EINTR { return }
        }
    }

    public func terminate() {
        kill(processIdentifier, SIGTERM)
    }

    /// The exit code, or the signal that ended the child; call after ``waitUntilExit()``.
    public var terminationStatus: Int32 {
        let status = lock.withLock { waitStatus } ?? 0
        return status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
    }

    public var terminationReason: TerminationReason {
        let status = lock.withLock { waitStatus } ?? 0
        return status & 0x7f == 0 ? .exit : .uncaughtSignal
    }
}

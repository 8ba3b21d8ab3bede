import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT) and SIGTERM into a flag the training loop polls, so a run stops
/// cleanly after the current step with a checkpoint saved. A second Ctrl-C exits at once, except
/// in `quiet` mode (a sweep's child, which may get the signal twice: from the terminal and the sweep).
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var sources: [DispatchSourceSignal] = []

    var isRequested: Bool { lock.withLock { requested } }

    init(quiet: Bool = false) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let again = self.lock.withLock { () -> Bool in
                    defer { self.requested = true }
                    return self.requested
                }
                if again && !quiet { exit(130) }
                if !quiet {
                    FileHandle.standardError.write(Data("\nstopping after this step (Ctrl-C again to quit now)\n".utf8))
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}

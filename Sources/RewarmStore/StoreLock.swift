#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The writer lock of a results database: an exclusive advisory `flock` on `<database>.lock`,
/// held from `acquire` until the lock is released (the store is deallocated or the process
/// exits, even by SIGKILL: the kernel drops the lock with the last open descriptor).
///
/// The lock file records its holder (`pid 4242 on host-a`) so a refused writer can say who
/// holds it. The file is never deleted: deleting a lock file races with a second locker.
/// The descriptor is close-on-exec, so trial processes launched by the sweep never inherit it.
final class StoreLock: Sendable {
    private let descriptor: Int32
    /// The lock file's path.
    let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Takes the lock without waiting; `shownAs` is the database path used in messages.
    static func acquire(path: String, shownAs database: String) throws(StoreError) -> StoreLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .io(path: path, reason: "cannot open lock file: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = readHolder(fd)
            close(fd)
            if code == EWOULDBLOCK { throw .locked(path: database, holder: holder) }
            throw .io(path: path, reason: "cannot lock: \(String(cString: strerror(code)))")
        }
        let holder = Array("pid \(getpid()) on \(hostName())\n".utf8)
        if ftruncate(fd, 0) == 0 {
            _ = holder.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
        return StoreLock(descriptor: fd, path: path)
    }

    /// The holder line recorded in the lock file, or nil when it is empty or unreadable.
    private static func readHolder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
            .split(separator: "\n").first.map(String.init) ?? ""
        return text.isEmpty ? nil : text
    }

    /// This machine's name (`gethostname`), or `unknown host`.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

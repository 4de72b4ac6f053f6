import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic file writes that never clobber what they should not.
///
/// A write goes to a temporary file next to the destination and is renamed over it, so a crash
/// or a full disk never leaves a half-written file. Symbolic links are followed (the link's
/// target is replaced, the link stays); a destination that exists but is not a regular file
/// (a device such as /dev/full, a directory, a pipe) is refused, never replaced.
package enum SafeFile {
    /// A destination or write problem in one clear line (without the path).
    package struct Failure: Error, CustomStringConvertible, Sendable {
        package let reason: String
        package init(reason: String) { self.reason = reason }
        package var description: String { reason }
    }

    /// Follows symbolic links and checks that a regular file can be written at the end.
    /// - Returns: the path that will actually be replaced.
    @discardableResult
    package static func checkDestination(_ path: String) throws -> String {
        guard !path.isEmpty else { throw Failure(reason: "the path is empty") }
        var p = path
        var hops = 0
        var st = stat()
        while lstat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK {
            hops += 1
            guard hops <= 32 else { throw Failure(reason: "too many levels of symbolic links") }
            guard let dest = try? FileManager.default.destinationOfSymbolicLink(atPath: p) else {
                throw Failure(reason: "cannot read the symbolic link '\(p)'")
            }
            p = dest.hasPrefix("/") ? dest : directory(of: p) + "/" + dest
        }
        if lstat(p, &st) == 0 {
            switch st.st_mode & S_IFMT {
            case S_IFREG:
                guard access(p, W_OK) == 0 else { throw Failure(reason: "'\(p)' is not writable") }
            case S_IFDIR:
                throw Failure(reason: "'\(p)' is a directory")
            default:
                throw Failure(reason: "'\(p)' is not a regular file (a device, pipe or socket); refusing to replace it")
            }
        }
        let dir = directory(of: p)
        guard stat(dir, &st) == 0 else { throw Failure(reason: "the directory '\(dir)' does not exist") }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw Failure(reason: "'\(dir)' is not a directory") }
        guard access(dir, W_OK | X_OK) == 0 else { throw Failure(reason: "the directory '\(dir)' is not writable") }
        return p
    }

    /// Writes `data` atomically to `path` (through symbolic links; never over a non-regular file).
    package static func write(_ data: Data, to path: String) throws {
        let target = try checkDestination(path)
        let dir = directory(of: target)
        let base = (target as NSString).lastPathComponent
        let temp = dir + "/." + base + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var mode: mode_t = 0o666
        var st = stat()
        if stat(target, &st) == 0 { mode = st.st_mode & 0o7777 }
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        var ok = false
        defer { if !ok { unlink(temp) } }
        if mode != 0o666 { _ = fchmod(fd, mode) }
        let failure: String? = data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) -> String? in
            var offset = 0
            while offset < buf.count {
                let n = posixWrite(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += n
            }
            return nil
        }
        if let failure { close(fd); throw Failure(reason: failure) }
        if fsync(fd) != 0 && errno != EINVAL && errno != EROFS {
            let reason = String(cString: strerror(errno)); close(fd); throw Failure(reason: reason)
        }
        guard close(fd) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        guard rename(temp, target) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        ok = true
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }
}

@inline(__always) private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, p, n)
    #else
    return Darwin.write(fd, p, n)
    #endif
}

import CNCurses
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signal handling that always gives the terminal back.
///
/// SIGINT/SIGTERM/SIGHUP only set a flag the run loop polls (so it exits through the normal,
/// orderly path). Fatal signals (a crash) restore the terminal with `endwin` before the default
/// action runs, so a crash never leaves the shell in curses mode.
public enum TerminalGuard {
    nonisolated(unsafe) private static var stopFlag: sig_atomic_t = 0

    public static var stopRequested: Bool { stopFlag != 0 }

    public static func install() {
        for s in [SIGINT, SIGTERM, SIGHUP] {
            signal(s) { _ in TerminalGuard.stopFlag = 1 }
        }
        for s in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            signal(s) { sig in
                endwin()
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }
}

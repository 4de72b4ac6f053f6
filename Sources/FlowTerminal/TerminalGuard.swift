import CNCurses
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signal handling that always gives the terminal back.
///
/// SIGINT/SIGTERM/SIGHUP/SIGQUIT only set a flag the run loop polls (so it exits through the normal,
/// orderly path). Fatal signals (a crash) restore the terminal with `endwin` before the default
/// action runs, so a crash never leaves the shell in curses mode.
package enum TerminalGuard {
    nonisolated(unsafe) private static var stopFlag: sig_atomic_t = 0

    package static var stopRequested: Bool { stopFlag != 0 }

    /// The signal that asked the explorer to stop (0: none); the command exits 128 + it.
    package static var stopSignal: Int32 { Int32(stopFlag) }

    package static func install() {
        // SIGQUIT (Ctrl-\) too: otherwise the Swift runtime's backtracer draws over the UI.
        for s in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            signal(s) { sig in TerminalGuard.stopFlag = sig_atomic_t(sig) }
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

import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `flowlab`: the command-line front of FlowLab (README, "Command line").
@main
struct FlowLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowlab",
        abstract: "A terminal laboratory for normalizing flows: watch generative flows learn 2-D densities.",
        discussion: """
            Exit status: 0 success; 64 a usage error (a bad option or value); 1 a runtime error \
            (a file, a checkpoint, training). The explorer ended by a signal (Ctrl-C, SIGTERM, \
            SIGHUP, SIGQUIT) exits 128 + the signal's number.
            """,
        subcommands: [TUICommand.self, TrainCommand.self, CompareCommand.self, EvalCommand.self, SampleCommand.self,
                      RenderCommand.self, BenchCommand.self, DemoCommand.self],
        defaultSubcommand: TUICommand.self)

    static func main() {
        #if canImport(Glibc)
        // Matrices of a few hundred KB are allocated and freed every step; keep them on the
        // heap instead of fresh mmap'd pages (page faults were ~10 % of inference time).
        _ = glibcMallopt(-3, 64 << 20)   // M_MMAP_THRESHOLD
        _ = glibcMallopt(-1, 256 << 20)  // M_TRIM_THRESHOLD
        #endif
        var command: ParsableCommand
        do {
            command = try parseAsRoot(nil)
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch {
            exit(withError: error, in: command)
        }
        exit()
    }

    /// Errors of a subcommand's `run`: a `ValidationError` found late (after reading a
    /// checkpoint, say) is still a usage error of *that* subcommand (exit 64), not of `flowlab`.
    static func exit(withError error: Error, in command: ParsableCommand) -> Never {
        if let v = error as? ValidationError {
            let name = type(of: command).configuration.commandName ?? "flowlab"
            FileHandle.standardError.write("Error: \(v.message)\n  See 'flowlab \(name) --help' for more information.\n".data(using: .utf8)!)
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        exit(withError: error)
    }
}

#if canImport(Glibc)
/// glibc's `mallopt` (declared in <malloc.h>, which the Glibc module does not export).
@_silgen_name("mallopt")
func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// A runtime failure reported as one clear line on stderr with a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

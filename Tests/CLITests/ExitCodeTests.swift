import Testing
import Foundation
import ArgumentParser
import FlowModels
@testable import flowlab

/// How a command line fails at parsing and validation: the exit code and the message.
func failure(_ args: [String]) -> (code: Int32, message: String)? {
    do {
        _ = try FlowLab.parseAsRoot(args)
        return nil
    } catch {
        return (FlowLab.exitCode(for: error).rawValue, FlowLab.message(for: error))
    }
}

/// How a command's `run` fails: a usage error (ValidationError, exit 64) or a runtime error.
func runFailure(_ args: [String]) -> Error? {
    do {
        var cmd = try FlowLab.parseAsRoot(args)
        try cmd.run()
        return nil
    } catch { return error }
}

/// Issue 16 items 12-19: usage errors exit 64 with a message saying what is wrong.
struct ExitCodeTests {
    func usage(_ args: [String], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let f = failure(args) else { Issue.record("accepted: \(args)", sourceLocation: sourceLocation); return }
        #expect(f.code == 64, "\(args): exit \(f.code)", sourceLocation: sourceLocation)
        #expect(f.message.contains(expected), "\(args): \(f.message)", sourceLocation: sourceLocation)
    }

    @Test func renderHelpPrintsHelp() throws {
        // Item 12: --help is ArgumentParser's help (exit 0), not the overlay flag.
        let parsed = try FlowLab.parseAsRoot(["render", "--help"])
        #expect(!(parsed is RenderCommand), "--help parsed as a render flag")
        #expect(try FlowLab.parseAsRoot(["render", "--show-help"]) is RenderCommand)
        #expect(FlowLab.helpMessage(for: RenderCommand.self).contains("--show-help"))
    }

    @Test func hiddenWidthsAreStrict() throws {
        // Item 13.
        usage(["train", "--hidden=-1"], "--hidden expects positive widths joined by '-'")
        usage(["train", "--hidden", "64-"], "got '64-'")
        usage(["train", "--hidden", "64--64"], "got '64--64'")
        usage(["train", "--hidden", "100000"], "--hidden widths must be between 1 and 4096, got 100000")
        usage(["train", "--hidden", "99999999999999999999999"], "between 1 and 4096")
        #expect(try parseHiddenWidths("64-32-16") == [64, 32, 16])
    }

    @Test func negativeNumbersSayWhatIsWrong() {
        // Item 14: not "Missing value for '--iters <iters>'".
        usage(["train", "--iters", "-1"], "--iters must be >= 0")
        usage(["train", "--batch", "-1"], "--batch must be between 1 and 1000000")
        usage(["train", "--lr", "-1"], "--lr must be a positive number")
        usage(["train", "--seed", "-1"], "--seed must be an integer from 0 to 18446744073709551615")
        usage(["sample", "m.json", "-n", "-1"], "-n must be between 0 and 50000000")
        usage(["render", "--size", "-1x5"], "--size must look like 120x40, got '-1x5'")
        usage(["render", "--view", "-1"], "--view counts from 1")
        usage(["train", "--model", "ffjord", "--atol", "-1"], "--atol must be positive")
        usage(["tui", "--seed", "-5"], "--seed must be an integer")
    }

    @Test func unknownOptionsAndIgnoredOptionsAreReported() {
        // Item 15.
        usage(["eval", "x.json", "--bogus"], "Unknown option '--bogus'")
        usage(["render", "--checkpoint", "ck.json", "--model", "glow", "--dataset", "u2"],
              "cannot be combined with --model, --dataset")
        #expect(runFailure(["eval", "x.json"]) is ValidationError)
    }

    @Test func oneExitCodeConvention() {
        // Item 16: every bad name or value is a usage error of its subcommand (64).
        usage(["train", "--model", "bogus"], "unknown model 'bogus'")
        usage(["train", "--dataset", "bogus"], "unknown dataset 'bogus'")
        usage(["train", "--model", "ffjord", "--trace", "foo"], "--trace must be")
        usage(["train", "--model", "ffjord", "--solver", "foo"], "--solver must be one of")
        usage(["train", "--model", "ctf", "--layers", "3"], "--layers must be 1")
        usage(["train", "--model", "realnvp", "--solver", "rk4"], "apply to --model ffjord only")
        usage(["tui", "--dataset", "bogus"], "unknown dataset 'bogus'")
        usage(["tui", "--model", "bogus"], "unknown model 'bogus'")
        usage(["render", "--dataset", "bogus"], "unknown dataset 'bogus'")
        // Model-option errors show the subcommand's usage, not the top level's.
        #expect(failure(["train", "--model", "ffjord", "--trace", "foo"])!.message.contains("flowlab <subcommand>") == false)
        // A missing CSV file is a runtime error (1).
        let e = runFailure(["train", "--dataset", "csv:/nonexistent-flowlab.csv", "--iters", "1", "--quiet"])
        #expect(e is CLIError)
        #expect(FlowLab.exitCode(for: e!).rawValue == 1)
    }

    @Test func renderStatesItsLimits() {
        // Item 17.
        usage(["render", "--size", "0x0"], "--size must be between 60x18 and 1000x500, got 0x0")
        usage(["render", "--size", "59x40"], "between 60x18")
        usage(["render", "--size", "5000x5000"], "between 60x18 and 1000x500")
        let e = runFailure(["render", "--view", "99", "--size", "60x18"])
        #expect((e as? ValidationError)?.message == "--view must be between 1 and 2 for model 'realnvp', got 99")
    }

    @Test func largeSeedsAreWrittenUnsigned() {
        // Item 18.
        var r = TrainingReport()
        r.set("seed", .uint(UInt64.max))
        #expect(r.jsonLine == "{\"seed\":18446744073709551615}")
        #expect(failure(["train", "--seed", "18446744073709551615"]) == nil)
        usage(["train", "--seed", "18446744073709551616"], "--seed must be an integer")
    }
}

/// Issue 16 item 6: `tui --help` lists every model and says what --ascii and the locale do.
struct HelpTextTests {
    @Test func tuiHelpIsTruthful() {
        func flat(_ s: String) -> String { s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let help = flat(FlowLab.helpMessage(for: TUICommand.self))
        for kind in ModelKind.allCases { #expect(help.contains(kind.rawValue), "\(kind.rawValue) missing") }
        #expect(help.contains("colours stay"))
        #expect(flat(FlowLab.helpMessage(for: TrainCommand.self)).contains(ModelKind.allCases.map(\.rawValue).joined(separator: " ")))
        #expect(flat(FlowLab.helpMessage(for: FlowLab.self)).contains("64 a usage error"))
    }
}

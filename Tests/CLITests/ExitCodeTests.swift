import Testing
import Foundation
import ArgumentParser
@testable import flowlab

/// How a command line fails: the exit code and the first line of the message.
func failure(_ args: [String]) -> (code: Int32, message: String)? {
    do {
        var cmd = try FlowLab.parseAsRoot(args)
        _ = cmd
        return nil
    } catch {
        return (FlowLab.exitCode(for: error).rawValue, FlowLab.message(for: error))
    }
}

struct ExitCodeTests {
    @Test func smoke() {
        #expect(failure(["train", "--bogus"])?.code == 64)
    }
}

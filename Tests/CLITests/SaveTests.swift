import Testing
import Foundation
import ArgumentParser
@testable import flowlab

/// Issue 16 item 3: `train --save` checks the destination before training.
struct SaveTests {
    @Test func badSaveDestinationFailsBeforeTraining() throws {
        for dest in ["/nonexistent-flowlab-dir/x.json", "/tmp", "/dev/full"] {
            var cmd = try FlowLab.parseAsRoot(["train", "--iters", "1000000", "--save", dest, "--quiet"])
            let clock = ContinuousClock(), start = clock.now
            do { try cmd.run(); Issue.record("no error for \(dest)") } catch let e as CLIError {
                #expect(e.message.hasPrefix("cannot write checkpoint '\(dest)': "))
                #expect(!e.message.contains("\n"))
            }
            #expect(clock.now - start < .seconds(2), "trained before checking \(dest)")
        }
    }
}

import Testing
import Foundation
import FlowModels

/// Items 1-3 of issue 16: a save never replaces a non-regular file, writes through symbolic
/// links, and a bad destination is reported before any work with one clear line.
struct SafeFileTests {
    static func tempDir() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-safe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func reason(_ path: String) -> String? {
        do { try SafeFile.checkDestination(path); return nil } catch let e as SafeFile.Failure { return e.reason } catch { return "\(error)" }
    }

    @Test func refusesDevicesAndDirectories() throws {
        #expect(reason("/dev/null")!.contains("not a regular file"))
        #expect(throws: SafeFile.Failure.self) { try SafeFile.write(Data("x".utf8), to: "/dev/null") }
        var st = stat()
        #expect(lstat("/dev/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)  // still a device
        let d = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        #expect(reason(d) == "'\(d)' is a directory")
        #expect(reason(d + "/nodir/x.json") == "the directory '\(d)/nodir' does not exist")
    }

    @Test func writesThroughSymlinks() throws {
        let d = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try FileManager.default.createDirectory(atPath: d + "/real", withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: d + "/real/target.json"))
        try FileManager.default.createSymbolicLink(atPath: d + "/link.json", withDestinationPath: "real/target.json")
        try SafeFile.write(Data("new".utf8), to: d + "/link.json")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: d + "/link.json") == "real/target.json")
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: d + "/real/target.json")), as: UTF8.self) == "new")
        // A dangling link creates its target.
        try FileManager.default.createSymbolicLink(atPath: d + "/dangling.json", withDestinationPath: d + "/real/fresh.json")
        try SafeFile.write(Data("fresh".utf8), to: d + "/dangling.json")
        #expect(FileManager.default.fileExists(atPath: d + "/real/fresh.json"))
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: d + "/real").sorted() == ["fresh.json", "target.json"])
    }

    @Test func checkpointDestinationErrorsAreOneLine() throws {
        do { try Checkpoint.checkDestination("/nonexistent-dir-flowlab/x.json"); Issue.record("no error") } catch let e as CheckpointError {
            #expect(e.message == "cannot write checkpoint '/nonexistent-dir-flowlab/x.json': the directory '/nonexistent-dir-flowlab' does not exist")
        }
    }
}

import ArgumentParser

/// `flowlab`: the command-line front of FlowLab (DESIGN.md, "The command line").
@main
struct FlowLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowlab",
        abstract: "A terminal laboratory for normalizing flows: watch generative flows learn 2-D densities.",
        subcommands: [TUICommand.self, TrainCommand.self, EvalCommand.self, SampleCommand.self,
                      RenderCommand.self, BenchCommand.self, DemoCommand.self],
        defaultSubcommand: TUICommand.self)
}

/// A runtime failure reported as one clear line on stderr with a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

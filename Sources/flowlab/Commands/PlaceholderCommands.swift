import ArgumentParser
struct TUICommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "tui"); func run() throws {} }
struct RenderCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "render"); func run() throws {} }
struct DemoCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "demo"); func run() throws {} }

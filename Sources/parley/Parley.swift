import ArgumentParser

@main
struct Parley: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Product chat between customers and vendors, with an admin panel.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, DoctorCommand.self, CreateUserCommand.self,
            ResetPasswordCommand.self,
            SeedCommand.self, MigrateDataCommand.self, WebhooksCommand.self, SettingsCommand.self, UsersCommand.self,
        ]
    )
}

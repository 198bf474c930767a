using System.CommandLine;
using Rapport.Identity;

namespace Rapport.Cli;

internal static class UserCommand
{
    public static Command Create()
    {
        var user = new Command("user", "Staff users.");
        var add = new Command("add", "Add a staff user. Prints a generated password when none is given.");
        var email = new Option<string>("--email") { Description = "Sign-in email.", Required = true };
        var role = new Option<string>("--role") { Description = "admin, marketing, sales, service or analyst.", Required = true };
        var password = new Option<string?>("--password") { Description = "Password (at least 10 characters); generated when omitted." };
        var name = new Option<string?>("--name") { Description = "Display name; defaults to the part of the email before @." };
        add.Options.Add(email);
        add.Options.Add(role);
        add.Options.Add(password);
        add.Options.Add(name);
        add.SetAction(async (parse, ct) =>
        {
            if (!Roles.TryParse(parse.GetValue(role), out var parsedRole))
            {
                return CliHost.Fail("--role must be one of admin, marketing, sales, service, analyst.");
            }

            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var result = await scope.ServiceProvider.GetRequiredService<AddUser>()
                .HandleAsync(new AddUserRequest(parse.GetValue(email)!, parsedRole, parse.GetValue(password), parse.GetValue(name)), ct);
            if (!result.IsOk)
            {
                return result.Errors.Count > 0 ? CliHost.Fail(result.Errors) : CliHost.Fail(result.Message!);
            }

            var added = result.Value!;
            Console.WriteLine($"Added {Roles.Name(added.Role)} {added.Email} (id {added.Id}).");
            if (added.GeneratedPassword is not null)
            {
                Console.WriteLine($"Password: {added.GeneratedPassword}");
            }

            return 0;
        });
        user.Subcommands.Add(add);
        return user;
    }
}

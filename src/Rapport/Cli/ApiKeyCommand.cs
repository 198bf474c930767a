using System.CommandLine;
using Rapport.Identity;

namespace Rapport.Cli;

internal static class ApiKeyCommand
{
    public static Command Create()
    {
        var apikey = new Command("apikey", "API keys for the REST API.");
        var create = new Command("create", "Create an API key. The key is printed alone on the last line of stdout, once.");
        var name = new Option<string>("--name") { Description = "What the key is for, e.g. 'shop integration'.", Required = true };
        var role = new Option<string>("--role") { Description = "admin, marketing, sales, service or analyst.", Required = true };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "Limit the key to this permission (module.action, e.g. customers.view); repeat for more. Each must be one the role has.",
            AllowMultipleArgumentsPerToken = true,
        };
        create.Options.Add(name);
        create.Options.Add(role);
        create.Options.Add(scopes);
        create.SetAction(async (parse, ct) =>
        {
            if (!Roles.TryParse(parse.GetValue(role), out var parsedRole))
            {
                return CliHost.Fail("--role must be one of admin, marketing, sales, service, analyst.");
            }

            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var result = await scope.ServiceProvider.GetRequiredService<CreateApiKey>()
                .HandleAsync(new CreateApiKeyRequest(parse.GetValue(name)!, parsedRole, null, parse.GetValue(scopes)), ct);
            if (!result.IsOk)
            {
                return CliHost.Fail(result.Errors);
            }

            Console.WriteLine($"Created API key {result.Value!.Id} '{result.Value.Name}' with role {Roles.Name(result.Value.Role)}. Store it now: it is not shown again.");
            Console.WriteLine(result.Value.Key);
            return 0;
        });
        apikey.Subcommands.Add(create);

        var list = new Command("list", "List API keys (never their secrets).");
        list.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            foreach (var key in await scope.ServiceProvider.GetRequiredService<ListApiKeys>().HandleAsync(ct))
            {
                Console.WriteLine($"{key.Id}\trpk_{key.Prefix}_…\t{Roles.Name(key.Role)}\t{key.Name}\t{(key.RevokedAt is null ? "active" : "revoked")}");
            }

            return 0;
        });
        apikey.Subcommands.Add(list);

        var revoke = new Command("revoke", "Revoke an API key by id.");
        var id = new Argument<long>("id") { Description = "The key's id (see 'apikey list')." };
        revoke.Arguments.Add(id);
        revoke.SetAction(async (parse, ct) =>
        {
            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var result = await scope.ServiceProvider.GetRequiredService<RevokeApiKey>().HandleAsync(parse.GetValue(id), ct);
            if (!result.IsOk)
            {
                return CliHost.Fail(result.Message!);
            }

            Console.WriteLine($"Revoked API key {result.Value!.Id}.");
            return 0;
        });
        apikey.Subcommands.Add(revoke);
        return apikey;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Imports;
using Rapport.Tests.Customers;
using Rapport.Tests.Imports;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Exports;

/// <summary>The database the round trip exports from (its own, so that the comparison sees only what the test seeded).</summary>
public sealed class RoundTripSourceFactory : RapportAppFactory;

/// <summary>
/// Export → import into an empty database → export again: customers, transactions (one row per line) and
/// interactions come back with the same data, through the real CSV export and the real import (StartImport,
/// ImportProcessor), with automatic column mapping. Text starting with + or - comes back although the export prefixes
/// it with ' against formula injection (the import takes that quote off). No tag holds ; | or , which the import reads
/// as tag separators (docs/exports.md, "Round trip"); ExportApiTests checks the neutralisation itself.
/// </summary>
public sealed class ExportRoundTripTests(RoundTripSourceFactory source, ImportAppFactory target)
    : IClassFixture<RoundTripSourceFactory>, IClassFixture<ImportAppFactory>
{
    private static readonly DateTimeOffset T0 = new(2023, 11, 5, 14, 7, 31, TimeSpan.Zero);

    [Fact]
    public async Task Customers_transactions_and_interactions_exported_to_csv_import_into_an_empty_database_unchanged()
    {
        var ownerEmail = $"owner.{Guid.NewGuid():N}@example.com";
        foreach (var app in new RapportAppFactory[] { source, target })
        {
            // What an administrator sets up before importing: the same custom fields and the owner's account.
            var admin = app.ClientAs(Role.Admin);
            (await admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "shoe_size", label = "Shoe size", type = "number" })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "vip_since", label = "VIP since", type = "date" })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "newsletter", label = "Newsletter", type = "boolean" })).EnsureSuccessStatusCode();
            await using var scope = app.Services.CreateAsyncScope();
            (await scope.ServiceProvider.GetRequiredService<AddUser>().HandleAsync(new AddUserRequest(ownerEmail, Role.Sales, null, "Owner"), CancellationToken.None)).IsOk.Should().BeTrue();
        }

        await SeedAsync(source.ClientAs(Role.Sales), ownerEmail, await OwnerIdAsync(source, ownerEmail));
        var client = source.ClientAs(Role.Analyst);

        foreach (var (kind, importKind, query) in new[]
                 {
                     ("customers", ImportKind.Customers, "format=csv"),
                     ("transactions", ImportKind.Transactions, "format=csv&lines=true"),
                     ("interactions", ImportKind.Interactions, "format=csv"),
                 })
        {
            var bytes = await (await ExportKit.ExportAsync(client, kind, query)).Content.ReadAsByteArrayAsync();
            var started = await ImportKit.StartAsync(target, importKind, ImportKit.WriteBytes(bytes));
            started.IsOk.Should().BeTrue(string.Join("; ", started.Errors.SelectMany(e => e.Value)));
            var status = await ImportKit.RunAsync(target, started.Value!.Id);
            var import = await ImportKit.GetAsync(target, started.Value.Id);
            var rejects = await ImportKit.RejectsAsync(target, import.Id);
            rejects.Should().BeEmpty("every exported {0} row imports ({1})", kind, string.Join(" | ", rejects.Select(r => $"line {r.Line}: {r.Reason}")));
            status.Should().Be(ImportStatus.Completed);
            import.Created.Should().BeGreaterThan(0);
        }

        var back = target.ClientAs(Role.Analyst);
        (await ComparableAsync(back, "customers", "", Customer)).Should().Equal(await ComparableAsync(client, "customers", "", Customer));
        (await ComparableAsync(back, "transactions", "&lines=true", Transaction)).Should().Equal(await ComparableAsync(client, "transactions", "&lines=true", Transaction));
        (await ComparableAsync(back, "interactions", "", Interaction)).Should().Equal(await ComparableAsync(client, "interactions", "", Interaction));
    }

    private static async Task<long> OwnerIdAsync(RapportAppFactory app, string email) =>
        await app.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Email == email).Id));

    private static async Task SeedAsync(HttpClient client, string ownerEmail, long ownerId)
    {
        var company = (await (await client.PostAsJsonAsync("/api/v1/companies", new { name = "Łukasiewicz & Söhne GmbH" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var jose = await ExportKit.CustomerAsync(client, new
        {
            firstName = "José", lastName = "Müller-Łukasiewicz", email = "Jose.Mueller@Example.com", phone = "+49 170 1234567",
            street = "Friedrichstraße 123, 2. OG", city = "Berlin", postalCode = "10117", region = "Berlin", country = "DE",
            birthDate = "1978-03-14", language = "de-DE", companyId = company, ownerId,
            tags = (string[])["vip", "trade fair"],
            customFields = new Dictionary<string, object> { ["shoe_size"] = 43.5, ["vip_since"] = "2021-06-30", ["newsletter"] = true },
            externalIds = new[] { new { source = "shop", externalId = "C-0001" } },
        });
        var akira = await ExportKit.CustomerAsync(client, new { firstName = "明", lastName = "田中", email = "akira@example.jp", country = "JP", language = "ja" });
        var formula = await ExportKit.CustomerAsync(client, new
        {
            firstName = "Hyper", lastName = "Link (\"quoted\")", email = "quotes@example.com", city = "Sankt Gallen", phone = "(0)71 555 12",
            tags = (string[])["a+b", "ünïcode tag"],
        });
        var noEmail = await ExportKit.CustomerAsync(client, new { firstName = "Nora", lastName = "No-Email", externalIds = new[] { new { source = "erp", externalId = "E-77" } } });
        var bare = await ExportKit.CustomerAsync(client, new { firstName = "Bare", lastName = "Name" });

        await ExportKit.TransactionAsync(client, jose, "O-1001", T0, 129.9m,
            new { sku = "BOOT-42", description = "Boots, leather \"classic\"", quantity = 1, unitPrice = 99.9 },
            new { description = "Care kit", quantity = 2, unitPrice = 12.5 });
        await ExportKit.TransactionAsync(client, jose, "O-1002", T0.AddDays(3).AddTicks(123_450), 19.99m);
        await ExportKit.TransactionAsync(client, akira, null, T0.AddDays(7), null, new { sku = "TEA-01", description = "Sencha 100 g", quantity = 0.5, unitPrice = 18.4 });
        await ExportKit.TransactionAsync(client, noEmail, "N-1", T0.AddDays(9), 45m, new { sku = "CMD=1", quantity = 3, unitPrice = 15 });
        await ExportKit.TransactionAsync(client, bare, "B-1", T0.AddDays(11), 5m);
        await ExportKit.TransactionAsync(client, formula, "F-1", T0.AddDays(12), 7.25m);

        await ExportKit.InteractionAsync(client, jose, "phone", "call", T0.AddHours(1), "-20% offer, pricing", "Asked about the premium line.\nCall back in March; prefers mornings.");
        await ExportKit.InteractionAsync(client, akira, "email", "enquiry", T0.AddHours(2), "Shipping to Japan?", null);
        await ExportKit.InteractionAsync(client, formula, "web", "complaint", T0.AddHours(3), "1+1 = 3?", "Not amused, \"really\"; said so twice");
        await ExportKit.InteractionAsync(client, noEmail, "inPerson", "meeting", T0.AddHours(4), null, "Met at the fair");
        await ExportKit.InteractionAsync(client, bare, "chat", "support", T0.AddHours(5), "Login", "Reset the password");
    }

    /// <summary>A JSON export with what is Rapport's own (ids, timestamps, id sources) removed, in a stable order.</summary>
    private static async Task<List<string>> ComparableAsync(HttpClient client, string kind, string query, Func<JsonObject, JsonObject> strip)
    {
        var rows = await ExportKit.JsonAsync(client, kind, query.TrimStart('&'));
        return [.. rows.Select(r => strip(JsonNode.Parse(r.GetRawText())!.AsObject()).ToJsonString()).Order(StringComparer.Ordinal)];
    }

    private static JsonObject Customer(JsonObject c)
    {
        c.Remove("id");
        c.Remove("externalIds");
        c.Remove("createdAt");
        c.Remove("updatedAt");
        return c;
    }

    private static JsonObject Transaction(JsonObject t)
    {
        t.Remove("id");
        t["customer"]!.AsObject().Remove("id");
        return t;
    }

    private static JsonObject Interaction(JsonObject i)
    {
        i.Remove("id");
        i.Remove("source");
        i["customer"]!.AsObject().Remove("id");
        return i;
    }
}

using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Stages;
using Rapport.Tasks;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Tasks;

/// <summary>The real host with the hourly playbook-task worker off: the tests run the generator by hand with the test clock.</summary>
public sealed class TasksAppFactory : RapportAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Rapport:Tasks:Background", "false");
    }
}

internal static class TaskKit
{
    private static int _counter;
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RapportAppFactory, Task<TestUser>> Owners = new();

    /// <summary>
    /// A customer made through the API (so they have a metrics row), then moved to the given creation time and placed in
    /// the stage by a manual override (so that the stage engine keeps it when their interactions are logged).
    /// </summary>
    public static async Task<long> CustomerAsync(this RapportAppFactory app, DateTimeOffset createdAt, Stage stage = Stage.Prospecting, long? ownerId = null, bool unowned = false)
    {
        // Playbook tasks are for owned customers: unless asked otherwise, the customer belongs to the class's owner.
        ownerId ??= unowned ? null : (await Owners.GetValue(app, a => a.AddUserAsync(Role.Sales, "Owen Owner"))).Id;
        var n = Interlocked.Increment(ref _counter);
        var response = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/customers", new { firstName = "Tia", lastName = $"Task{n}", email = $"tia.task{n}.{Guid.NewGuid():N}@example.com", ownerId });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
        await app.WithDbAsync(async db =>
        {
            await db.Customers.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, createdAt));
            return 0;
        });
        if (stage != Stage.Prospecting)
        {
            var placed = await app.WithScopeAsync(sp => sp.GetRequiredService<Rapport.Stages.SetStageOverride>()
                .HandleAsync(id, new Rapport.Stages.SetStageOverrideRequest(stage.Key(), "Test setup"), null, CancellationToken.None));
            placed.IsOk.Should().BeTrue();
        }

        return id;
    }

    /// <summary>Logs an interaction through the API, as integrations do.</summary>
    public static async Task<HttpResponseMessage> InteractionAsync(this RapportAppFactory app, long customerId, string direction, DateTimeOffset occurredAt, string channel = "email")
    {
        var response = await app.ClientAs(Role.Sales).PostAsJsonAsync("/api/v1/interactions", new
        {
            customerId,
            channel,
            direction,
            type = direction == "internal" ? "note" : "email",
            notes = direction == "internal" ? "Internal note." : null,
            occurredAt,
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return response;
    }

    public static Task<GeneratedTasks> GenerateAsync(this RapportAppFactory app) =>
        app.RunAsync<GeneratePlaybookTasks, GeneratedTasks>(g => g.HandleAsync(CancellationToken.None));

    public static Task<List<CustomerTask>> TasksOfAsync(this RapportAppFactory app, long customerId) =>
        app.WithDbAsync(db => db.Set<CustomerTask>().AsNoTracking().Where(t => t.CustomerId == customerId).OrderBy(t => t.Id).ToListAsync());
}

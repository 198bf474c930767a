using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Analytics;
using Rapport.Customers.Changes;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Ingestion.Batch;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Customers;

/// <summary>The host with a handler that records what it was told, to see every kind of change reach the handlers.</summary>
public sealed class RecordingChangesAppFactory : RapportAppFactory
{
    public RecordingChangeHandler Recorder { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ICustomerChangeHandler>(Recorder));
    }
}

public sealed class RecordingChangeHandler : ICustomerChangeHandler
{
    public ConcurrentQueue<long> One { get; } = new();
    public ConcurrentQueue<long> Many { get; } = new();
    public ConcurrentQueue<ChangedFacts> All { get; } = new();

    public int Order => 0;

    public Task CustomerChangedAsync(long customerId, CancellationToken ct)
    {
        One.Enqueue(customerId);
        return Task.CompletedTask;
    }

    public Task CustomersChangedAsync(IReadOnlyList<long> customerIds, CancellationToken ct)
    {
        foreach (var id in customerIds)
        {
            Many.Enqueue(id);
        }

        return Task.CompletedTask;
    }

    public Task AllChangedAsync(ChangedFacts facts, CancellationToken ct)
    {
        All.Enqueue(facts);
        return Task.CompletedTask;
    }
}

public sealed class CustomerChangesTests(RecordingChangesAppFactory app) : IClassFixture<RecordingChangesAppFactory>
{
    [Fact]
    public async Task A_recorded_transaction_and_a_profile_edit_reach_the_handlers_at_once()
    {
        var customerId = await app.CustomerAsync("Ada");
        var sales = app.ClientAs(Role.Sales);
        var sale = await sales.PostAsJsonAsync("/api/v1/transactions", new { customerId, total = 12m, currency = "USD" });
        sale.StatusCode.Should().Be(HttpStatusCode.Created);
        var edit = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/customers/{customerId}") { Content = JsonContent.Create(new { city = "Lyon" }) };
        edit.Headers.TryAddWithoutValidation("If-Match", "*");
        var edited = await sales.SendAsync(edit);
        edited.StatusCode.Should().Be(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());

        app.Recorder.One.Count(id => id == customerId).Should().Be(2, "the sale and the edit each follow at once");
    }

    [Fact]
    public async Task Bulk_ingestion_queues_its_customers_and_the_worker_drains_the_queue_once()
    {
        var body = $$"""{"source": "shop", "customers": [{"externalId": "{{Unique.Id("C")}}", "firstName": "Bo"}, {"externalId": "{{Unique.Id("C")}}", "firstName": "Cy"}]}""";
        var response = await app.ClientAs(Role.Marketing).PostJsonAsync(BatchApi.CustomersPath, body);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var ids = (await response.JsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();

        (await app.WithDbAsync(db => db.Set<CustomerChange>().Where(c => ids.Contains(c.CustomerId)).CountAsync())).Should().Be(2);
        var worker = app.Services.GetRequiredService<CustomerChangeWorker>();
        (await worker.DrainAsync(CancellationToken.None)).Should().BeGreaterThanOrEqualTo(2);

        app.Recorder.Many.Should().Contain(ids);
        (await app.WithDbAsync(db => db.Set<CustomerChange>().CountAsync())).Should().Be(0);
        (await worker.DrainAsync(CancellationToken.None)).Should().Be(0);
    }

    [Fact]
    public async Task A_finished_analytics_run_tells_the_handlers_that_everyone_was_rescored()
    {
        await app.WithScopeAsync(sp => sp.GetRequiredService<RecomputeAnalytics>().RunNowAsync(AnalyticsTrigger.Manual, CancellationToken.None));

        app.Recorder.All.Should().Contain(ChangedFacts.Analytics);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Rapport.Data;

namespace Rapport.Demo;

public sealed record DemoOptions(int Customers, int Seed)
{
    public const int DefaultCustomers = 5_000;
    public const int DefaultSeed = 42;
}

public sealed record DemoProgress(string Stage, long Done, long Total);

public sealed record DemoSummary(int Customers, int Companies, int Products, int Transactions, int TransactionLines, int Interactions, TimeSpan Elapsed)
{
    public string Describe() =>
        $"Demo business: {Customers:N0} customers, {Companies:N0} companies, {Products:N0} products, {Transactions:N0} transactions " +
        $"({TransactionLines:N0} lines), {Interactions:N0} interactions in {Elapsed.TotalSeconds:N1} s.";
}

/// <summary>IN PROGRESS: replaced by the real generator.</summary>
public sealed class DemoGenerator(RapportDatabase database, TimeProvider clock)
{
    public Task<DemoSummary> GenerateAsync(DemoOptions options, IProgress<DemoProgress>? progress, CancellationToken ct)
    {
        _ = (database, clock, options, progress, ct);
        return Task.FromResult(new DemoSummary(0, 0, 0, 0, 0, 0, TimeSpan.Zero));
    }
}

public static class DemoServices
{
    public static IServiceCollection AddDemo(this IServiceCollection services) => services.AddScoped<DemoGenerator>();
}

using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Products;
using Rapport.Research.Evidence;
using Rapport.Tests.Infrastructure;
using Rapport.Transactions;
using Rapport.Values;

namespace Rapport.Tests.Values.Profiles;

/// <summary>Customers, evidence (through ValueEvidenceStore), tagged products and purchases (through the use cases) for profile tests.</summary>
internal static class ProfileKit
{
    private static long _source = Random.Shared.NextInt64(1_000_000, 1_000_000_000);

    public static long NextSource() => Interlocked.Increment(ref _source);

    public static Task<long> CustomerAsync(RapportAppFactory app, string first, string last) =>
        app.WithScopeAsync(async sp =>
        {
            var created = await sp.GetRequiredService<CreateCustomer>().HandleAsync(
                new CreateCustomerRequest { FirstName = first, LastName = last }, CustomerSources.Api, CancellationToken.None);
            created.IsOk.Should().BeTrue(string.Join("; ", created.Errors.SelectMany(e => e.Value)));
            return created.Value!.Id;
        });

    public static Task<long> ValueIdAsync(RapportAppFactory app, string key) =>
        app.WithScopeAsync(async sp => (await sp.GetRequiredService<GetValue>().HandleAsync(key, CancellationToken.None)).Value!.Id);

    /// <summary>Records one source's evidence about one customer (a new source id each call), as a producer would.</summary>
    public static Task<long> EvidenceAsync(RapportAppFactory app, long customerId, string valueKey, EvidenceKind kind, double signal,
        DateTimeOffset observedAt, string quote, string sourceType = EvidenceSources.SurveyResponse)
    {
        var source = NextSource();
        return app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<RapportDbContext>();
            var valueId = (await sp.GetRequiredService<GetValue>().HandleAsync(valueKey, CancellationToken.None)).Value!.Id;
            await ValueEvidenceStore.ReplaceAsync(db, sourceType, source, kind,
                [new NewEvidence(customerId, valueId, kind, observedAt, signal, kind == EvidenceKind.Mention ? 0.5 : null, quote)], CancellationToken.None);
            return source;
        });
    }

    public static Task<long> ProductAsync(RapportAppFactory app, string name, params (string Value, int Strength)[] tags) =>
        app.WithScopeAsync(async sp =>
        {
            var sku = "P-" + Guid.NewGuid().ToString("N")[..8];
            var product = await sp.GetRequiredService<CreateProduct>().HandleAsync(new CreateProductRequest(sku, name, Price: 10m, Currency: "USD"), CancellationToken.None);
            product.IsOk.Should().BeTrue(product.Message);
            if (tags.Length > 0)
            {
                var set = await sp.GetRequiredService<SetProductValues>().HandleAsync(product.Value!.Id,
                    new SetProductValuesRequest([.. tags.Select(t => new ProductValueInput(t.Value, t.Strength))]), CancellationToken.None);
                set.IsOk.Should().BeTrue(set.Message);
            }

            return product.Value!.Id;
        });

    public static Task BuyAsync(RapportAppFactory app, long customerId, DateTimeOffset at, params (long Product, decimal Price)[] lines) =>
        app.WithScopeAsync(async sp =>
        {
            var recorded = await sp.GetRequiredService<RecordTransaction>().HandleAsync(new RecordTransactionRequest(customerId,
                OccurredAt: at, Currency: "USD", Lines: [.. lines.Select(l => new TransactionLineRequest(ProductId: l.Product, Quantity: 1, UnitPrice: l.Price))]),
                CancellationToken.None);
            recorded.IsOk.Should().BeTrue(recorded.Message + string.Join("; ", recorded.Errors.SelectMany(e => e.Value)));
            return 0;
        });

    public static async Task RateAsync(RapportAppFactory app, string key, int importance)
    {
        var owner = await app.AddUserAsync(Rapport.Identity.Role.Marketing, "Value owner");
        await app.WithScopeAsync(async sp =>
        {
            var rated = await sp.GetRequiredService<RateValueImportance>().HandleAsync(key, new RateImportanceRequest(importance, "Test rating.", owner.Id),
                new Actor(null, "test"), CancellationToken.None);
            rated.IsOk.Should().BeTrue(rated.Message);
            return 0;
        });
    }
}

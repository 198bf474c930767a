using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Ingestion.Batch;

public static class BatchServices
{
    /// <summary>The batch ingestion API's use cases, the idempotency key store and its sweeper.</summary>
    public static IServiceCollection AddBatchIngestion(this IServiceCollection services)
    {
        services.AddScoped<IngestEvents>();
        services.AddScoped<UpsertCustomers>();
        services.AddSingleton<IdempotencyKeys>();
        services.AddSingleton<BatchWriteGate>();
        services.AddHostedService<IdempotencyKeySweeper>();
        return services;
    }
}

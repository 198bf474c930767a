using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Transactions;

public static class TransactionServices
{
    public static IServiceCollection AddTransactions(this IServiceCollection services)
    {
        services.AddScoped<RecordTransaction>();
        services.AddScoped<GetTransaction>();
        services.AddScoped<ListTransactions>();
        services.AddScoped<DeleteTransaction>();
        return services;
    }
}

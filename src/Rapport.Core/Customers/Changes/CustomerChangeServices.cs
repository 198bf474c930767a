using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Customers.Changes;

public static class CustomerChangeServices
{
    public static IServiceCollection AddCustomerChanges(this IServiceCollection services)
    {
        services.AddScoped<CustomerChanges>();
        services.AddSingleton<CustomerChangeSignal>();
        services.AddSingleton<CustomerChangeWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<CustomerChangeWorker>());
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Metrics;

public static class MetricsServices
{
    public static IServiceCollection AddCustomerMetrics(this IServiceCollection services) => services.AddScoped<CustomerMetricsUpdater>();
}

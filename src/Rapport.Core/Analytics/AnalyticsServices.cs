using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Analytics;

public static class AnalyticsServices
{
    public static IServiceCollection AddAnalytics(this IServiceCollection services)
    {
        services.AddSingleton<AnalyticsSignal>();
        services.AddSingleton<LatestAnalytics>();
        services.AddScoped<RequestAnalytics>();
        services.AddScoped<RecomputeAnalytics>();
        services.AddScoped<CustomerAnalyticsUpdater>();
        services.AddScoped<GetAnalytics>();
        services.AddScoped<ListAnalyticsRuns>();
        services.AddScoped<GetKpis>();
        services.AddScoped<SetKpiTarget>();
        services.AddScoped<GetTopCustomers>();
        services.AddScoped<ListRfmSegmentMembers>();
        services.AddScoped<GetNewCustomerOutlook>();
        services.AddHostedService<AnalyticsWorker>();
        return services;
    }
}

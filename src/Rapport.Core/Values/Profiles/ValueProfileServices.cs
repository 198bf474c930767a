using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Values.Profiles;

public static class ValueProfileServices
{
    public static IServiceCollection AddValueProfiles(this IServiceCollection services)
    {
        services.AddScoped<RecomputeValueProfiles>();
        services.AddScoped<GetCustomerValues>();
        services.AddScoped<SetProfiling>();
        services.AddScoped<GetAlignments>();
        services.AddSingleton<ValueProfileWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ValueProfileWorker>());
        return services;
    }
}

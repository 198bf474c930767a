using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers.Changes;

namespace Rapport.Consent;

public static class ConsentServices
{
    public static IServiceCollection AddConsent(this IServiceCollection services)
    {
        services.AddSingleton<ConsentKeys>();
        services.AddSingleton<Suppressions>();
        services.AddScoped<RecordConsent>();
        services.AddScoped<GetConsent>();
        services.AddScoped<ConsentCheck>();
        services.AddScoped<PreferenceLinks>();
        services.AddScoped<Preferences>();
        services.AddScoped<ICustomerChangeHandler, SuppressionChangeHandler>();
        return services;
    }
}

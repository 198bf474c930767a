using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Privacy;

public static class PrivacyServices
{
    /// <summary>Data-subject requests, export, erasure and retention (docs/privacy-requests.md).</summary>
    public static IServiceCollection AddPrivacyRequests(this IServiceCollection services)
    {
        services.AddScoped<PrivacyRequests>();
        services.AddScoped<CustomerExport>();
        services.AddScoped<EraseCustomer>();
        services.AddScoped<RetentionRules>();
        services.AddScoped<PrivacyAudit>();
        services.AddScoped<IErasureFollowUp>(sp => sp.GetRequiredService<PrivacyAudit>());
        services.AddScoped<IRetentionRunFollowUp>(sp => sp.GetRequiredService<PrivacyAudit>());
        services.AddHostedService<RetentionSweeper>();
        return services;
    }
}

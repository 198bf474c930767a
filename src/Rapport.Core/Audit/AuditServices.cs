using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Rapport.Audit;

public static class AuditServices
{
    /// <summary>The interceptor and settings are registered with the data services (every DbContext has them); this adds the log, the queue and its writer.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.TryAddSingleton<AuditQueue>();
        services.AddHostedService<AuditQueueWriter>();
        services.AddScoped<AuditLog>();
        return services;
    }

    /// <summary>Called from <c>AddRapportData</c>: the interceptor, its settings and a default actor (the system) outside a web request.</summary>
    public static IServiceCollection AddAuditInterceptor(this IServiceCollection services)
    {
        services.TryAddSingleton<AuditSettings>();
        services.TryAddSingleton<IAuditActorSource, NoRequestActor>();
        services.TryAddSingleton<AuditInterceptor>();
        return services;
    }

    private sealed class NoRequestActor : IAuditActorSource
    {
        public AuditActor? Current => null;
    }
}

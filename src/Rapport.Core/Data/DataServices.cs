using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Rapport.Data;

public static class DataServices
{
    public static IServiceCollection AddRapportData(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => RapportDatabase.FromConfiguration(configuration));
        services.AddSingleton<StampingInterceptor>();
        Audit.AuditServices.AddAuditInterceptor(services);
        services.AddSingleton<DatabaseMigrator>();
        services.AddDbContext<RapportDbContext>((sp, options) =>
        {
            sp.GetRequiredService<RapportDatabase>().Configure(options);
            options.AddInterceptors(sp.GetRequiredService<StampingInterceptor>(), sp.GetRequiredService<Audit.AuditInterceptor>());
        });
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Exports;

public static class ExportServices
{
    public static IServiceCollection AddExports(this IServiceCollection services)
    {
        services.AddScoped<ExportData>();
        services.AddScoped<ExportVCard>();
        return services;
    }
}

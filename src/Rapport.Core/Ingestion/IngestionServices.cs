using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Ingestion;

public static class IngestionServices
{
    public static IServiceCollection AddIngestion(this IServiceCollection services) => services.AddScoped<IngestionWriter>();
}

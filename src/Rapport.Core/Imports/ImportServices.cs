using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Imports;

public static class ImportServices
{
    public static IServiceCollection AddImports(this IServiceCollection services)
    {
        services.AddSingleton<ImportFiles>();
        services.AddScoped<ImportSources>();
        services.AddSingleton<ImportSignal>();
        services.AddScoped<StartImport>();
        services.AddScoped<ImportProcessor>();
        services.AddScoped<ListImports>();
        services.AddScoped<GetImport>();
        services.AddScoped<ListImportRejects>();
        services.AddScoped<CancelImport>();
        services.AddScoped<ImportRejectsFile>();
        services.AddScoped<SweepImportUploads>();
        services.AddHostedService<ImportRunner>();
        services.AddHostedService<ImportUploadSweeper>();
        return services;
    }
}

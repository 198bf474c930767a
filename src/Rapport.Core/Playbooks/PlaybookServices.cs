using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Playbooks;

public static class PlaybookServices
{
    public static IServiceCollection AddPlaybooks(this IServiceCollection services)
    {
        services.AddScoped<ListPlaybooks>();
        services.AddScoped<GetPlaybook>();
        services.AddScoped<UpdatePlaybook>();
        services.AddScoped<CheckCadence>();
        return services;
    }
}

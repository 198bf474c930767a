using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Interactions;

public static class InteractionServices
{
    public static IServiceCollection AddInteractions(this IServiceCollection services)
    {
        services.AddScoped<LogInteraction>();
        services.AddScoped<GetInteraction>();
        services.AddScoped<ListInteractions>();
        services.AddScoped<DeleteInteraction>();
        services.AddScoped<Research.Evidence.IResearchTextSource, InteractionTextSource>();
        return services;
    }
}

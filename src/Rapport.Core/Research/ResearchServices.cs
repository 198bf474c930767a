using Microsoft.Extensions.DependencyInjection;
using Rapport.Research.Evidence;

namespace Rapport.Research;

public static class ResearchServices
{
    /// <summary>
    /// Customer research: value evidence and theme detection over free text. Features holding free text add their
    /// <see cref="IResearchTextSource"/> here too.
    /// </summary>
    public static IServiceCollection AddResearch(this IServiceCollection services)
    {
        services.AddScoped<MentionIndexer>();
        return services;
    }
}

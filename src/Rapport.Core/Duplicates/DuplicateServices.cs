using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Duplicates;

public static class DuplicateServices
{
    public static IServiceCollection AddDuplicates(this IServiceCollection services)
    {
        services.AddScoped<DetectDuplicates>();
        services.AddScoped<ListCandidates>();
        services.AddScoped<GetCandidate>();
        services.AddScoped<DismissCandidate>();
        services.AddScoped<MergeCustomers>();
        services.AddScoped<ListMerges>();
        services.AddScoped<FindMergedInto>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Values.Map;

public static class ValueMapServices
{
    /// <summary>The shared-values map, the gap report and the evolution of priorities (docs/values.md).</summary>
    public static IServiceCollection AddValueMap(this IServiceCollection services) =>
        services.AddScoped<GetValueMap>().AddScoped<GetValueGaps>().AddScoped<GetValueTrends>().AddScoped<ListMapTags>();
}

using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers.Changes;

namespace Rapport.Segments;

public static class SegmentServices
{
    public static IServiceCollection AddSegments(this IServiceCollection services)
    {
        services.AddSingleton<SegmentRuleCache>();
        services.AddSingleton<SegmentIndex>();
        services.AddScoped<SegmentEngine>();
        services.AddScoped<PurchaseFacts>();
        services.AddScoped<SegmentRuleValidator>();
        services.AddScoped<ListSegmentFields>();
        services.AddScoped<PreviewSegment>();
        services.AddScoped<GetSegment>();
        services.AddScoped<ListSegments>();
        services.AddScoped<CreateSegment>();
        services.AddScoped<UpdateSegment>();
        services.AddScoped<DeleteSegment>();
        services.AddScoped<SnapshotSegment>();
        services.AddScoped<ListSegmentMembers>();
        services.AddScoped<ListSegmentEvents>();
        services.AddScoped<ICustomerChangeHandler, SegmentChangeHandler>();
        services.AddHostedService<SegmentClockSweeper>();
        return services;
    }
}

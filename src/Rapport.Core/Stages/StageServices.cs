using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers.Changes;

namespace Rapport.Stages;

public static class StageServices
{
    public static IServiceCollection AddStages(this IServiceCollection services)
    {
        services.AddSingleton<StageSettingsCache>();
        services.AddScoped<StageEngine>();
        services.AddScoped<ICustomerChangeHandler, StageChangeHandler>();
        services.AddScoped<GetStageSettings>();
        services.AddScoped<UpdateStageSettings>();
        services.AddScoped<GetStageCounts>();
        services.AddScoped<GetStageFunnel>();
        services.AddScoped<GetStageBoard>();
        services.AddScoped<GetCustomerStage>();
        services.AddScoped<SetStageOverride>();
        services.AddScoped<RemoveStageOverride>();
        services.AddScoped<EndExpiredOverrides>();
        services.AddScoped<RecomputeStages>();
        services.AddSingleton<StageRecomputeSignal>();
        services.AddHostedService<StageRecomputeWorker>();
        services.AddHostedService<StageOverrideSweeper>();
        return services;
    }
}

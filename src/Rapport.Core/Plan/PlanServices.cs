using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Plan;

public static class PlanServices
{
    public static IServiceCollection AddPlan(this IServiceCollection services)
    {
        services.AddScoped<PlanStore>();
        services.AddScoped<GetPlan>();
        services.AddScoped<UpdatePlanSummary>();
        services.AddScoped<CreatePlanGoal>();
        services.AddScoped<UpdatePlanGoal>();
        services.AddScoped<DeletePlanGoal>();
        services.AddScoped<CreatePlanObjective>();
        services.AddScoped<UpdatePlanObjective>();
        services.AddScoped<DeletePlanObjective>();
        services.AddScoped<SetPlanValues>();
        services.AddScoped<ProposePlanValues>();
        services.AddScoped<TakePlanValuesFromMap>();
        services.AddScoped<SetPlanSegments>();
        services.AddScoped<SetDataPlan>();
        return services;
    }
}

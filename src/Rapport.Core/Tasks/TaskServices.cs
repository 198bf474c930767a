using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers.Changes;

namespace Rapport.Tasks;

public static class TaskServices
{
    public static IServiceCollection AddTasks(this IServiceCollection services)
    {
        services.AddScoped<ListTasks>();
        services.AddScoped<GetTask>();
        services.AddScoped<CreateTask>();
        services.AddScoped<UpdateTask>();
        services.AddScoped<ChangeTaskStatus>();
        services.AddScoped<GeneratePlaybookTasks>();
        services.AddScoped<ICustomerChangeHandler, CompleteTasksOnContact>();
        services.AddHostedService<PlaybookTaskWorker>();
        return services;
    }
}

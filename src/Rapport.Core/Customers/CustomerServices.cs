using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Customers;

public static class CustomerServices
{
    public static IServiceCollection AddCustomers(this IServiceCollection services)
    {
        services.AddScoped<CreateCustomer>();
        services.AddScoped<UpdateCustomer>();
        services.AddScoped<DeleteCustomer>();
        services.AddScoped<GetCustomer>();
        services.AddScoped<SearchCustomers>();
        services.AddScoped<GetTimeline>();
        services.AddScoped<ListCustomFields>();
        services.AddScoped<CreateCustomField>();
        services.AddScoped<UpdateCustomField>();
        services.AddScoped<DeleteCustomField>();
        return services;
    }
}
